using System.IO.Compression;

namespace Platform.Quantization.Tests.Cli;

/// <summary>python3-sklearn's 8×8 digits (64 values 0–16 then the label per line).</summary>
public static class DigitsCsv
{
    public const string Path = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

    public sealed record Row(float[] Pixels, int Label);

    public static List<Row> TestRows()
    {
        Assert.True(File.Exists(Path), $"python3-sklearn is not installed ({Path} is missing): the test command installs it");
        using var gz = new GZipStream(File.OpenRead(Path), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        var rows = new List<Row>();
        int index = 0;
        for (string? line; (line = reader.ReadLine()) is not null;)
        {
            if (line.Length == 0) continue;
            var v = line.Split(',').Select(s => float.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            if (index++ % 5 == 4) rows.Add(new Row(v[..64], (int)v[64]));
        }
        return rows;
    }
}
