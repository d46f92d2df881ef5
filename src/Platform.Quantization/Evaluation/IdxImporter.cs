using Platform.Quantization.Tensors;

namespace Platform.Quantization.Evaluation;

/// <summary>
/// Converts an IDX image/label pair (MNIST, Fashion-MNIST) into a data set .npz: float32 "x" in [0, 1] shaped
/// [N, 1, H, W] (uint8 pixels / 255) and int64 "y" shaped [N]. Streamed: images pass through in batches, so the
/// 60 000-image training set never sits in memory whole.
/// </summary>
public static class IdxImporter
{
    private const int Batch = 1024;

    /// <summary>Imports records [offset, offset + count) (count null: all the rest); returns the number of samples written.</summary>
    public static int Import(string imagesPath, string labelsPath, string outNpzPath, int offset = 0, int? count = null, bool compress = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        using var images = IdxReader.Open(imagesPath);
        using var labels = IdxReader.Open(labelsPath);
        if (images.ElementType != DataType.UInt8 || images.Shape.Count != 3)
            throw new InvalidDataSetException($"IDX file '{images.Name}' holds {images.ElementType} {TensorShape.Format(images.Shape.ToArray())}; images must be uint8 [N, H, W].");
        if (labels.ElementType != DataType.UInt8 || labels.Shape.Count != 1)
            throw new InvalidDataSetException($"IDX file '{labels.Name}' holds {labels.ElementType} {TensorShape.Format(labels.Shape.ToArray())}; labels must be uint8 [N].");
        if (images.Count != labels.Count)
            throw new InvalidDataSetException($"IDX files '{images.Name}' ({images.Count} images) and '{labels.Name}' ({labels.Count} labels) do not hold the same number of samples.");
        if (offset > images.Count)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"'{images.Name}' has {images.Count} images.");
        int n = count ?? images.Count - offset;
        if (n < 0 || (long)offset + n > images.Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"'{images.Name}' has {images.Count} images; {offset} + {count} is past the end.");
        int h = images.Shape[1], w = images.Shape[2];

        using var npz = NpzWriter.Create(outNpzPath, compress);
        using (var x = npz.BeginArray(NpzDataSet.InputName, DataType.Float, [n, 1, h, w]))
        {
            images.Skip(offset);
            var floats = new float[Batch * h * w];
            for (int done = 0; done < n;)
            {
                int k = Math.Min(Batch, n - done);
                var pixels = images.ReadRecords(k).As<byte>();
                for (int i = 0; i < pixels.Length; i++) floats[i] = pixels[i] / 255f;
                x.Append<float>(floats.AsSpan(0, pixels.Length));
                done += k;
            }
            x.Complete();
        }
        using (var y = npz.BeginArray(NpzDataSet.LabelName, DataType.Int64, [n]))
        {
            labels.Skip(offset);
            var longs = new long[Batch];
            for (int done = 0; done < n;)
            {
                int k = Math.Min(Batch, n - done);
                var bytes = labels.ReadRecords(k).As<byte>();
                for (int i = 0; i < k; i++) longs[i] = bytes[i];
                y.Append<long>(longs.AsSpan(0, k));
                done += k;
            }
            y.Complete();
        }
        return n;
    }
}
