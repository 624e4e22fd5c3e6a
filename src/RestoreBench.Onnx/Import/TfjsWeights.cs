using System.Buffers.Binary;
using System.Text.Json;

namespace RestoreBench.Onnx.Import;

/// <summary>One weight tensor of a TensorFlow.js model, dequantized to float32.</summary>
/// <param name="Name">Manifest name, e.g. <c>F_1_1_1/kernel</c>.</param>
/// <param name="Shape">Shape as stored (Keras layout, e.g. <c>[kh, kw, in, out]</c> for a Conv2D kernel).</param>
/// <param name="Data">Values, row-major (float32 weights; empty for int32 ones).</param>
/// <param name="Int32Data">Values of an int32 weight (graph models store shape constants so), else null.</param>
internal sealed record TfjsWeight(string Name, int[] Shape, float[] Data, int[]? Int32Data = null);

/// <summary>
/// Reads the <c>weightsManifest</c> of a TensorFlow.js model: each group's shard files are concatenated
/// in manifest order (a tensor may cross a shard boundary), the group's weights follow one another in
/// that byte stream, and quantized weights are dequantized as <c>min + scale·q</c> (uint8/uint16
/// affine quantization of the TensorFlow.js converter, computed in float64 and rounded to float32).
/// </summary>
internal static class TfjsWeights
{
    /// <param name="manifest">The <c>weightsManifest</c> list.</param>
    /// <param name="folder">Folder of model.json (shard paths are relative to it).</param>
    /// <param name="source">File name for error messages.</param>
    /// <param name="allowInt32">Also read <c>int32</c> weights (graph models); layers models have only float32.</param>
    public static Dictionary<string, TfjsWeight> Load(JsonElement manifest, string folder, string source, bool allowInt32 = false)
    {
        if (manifest.ValueKind != JsonValueKind.Array)
        {
            throw new ModelImportException($"{source}: 'weightsManifest' is not a list");
        }

        var result = new Dictionary<string, TfjsWeight>(StringComparer.Ordinal);
        var groupIndex = 0;
        foreach (var group in manifest.EnumerateArray())
        {
            groupIndex++;
            var data = ReadShards(group, folder, source, groupIndex);
            long offset = 0;
            if (!group.TryGetProperty("weights", out var weights) || weights.ValueKind != JsonValueKind.Array)
            {
                throw new ModelImportException($"{source}: weights group {groupIndex} has no 'weights' list");
            }

            foreach (var entry in weights.EnumerateArray())
            {
                var weight = Decode(entry, data, ref offset, source, allowInt32);
                if (!result.TryAdd(weight.Name, weight))
                {
                    throw new ModelImportException($"{source}: weight '{weight.Name}' appears twice in the manifest");
                }
            }

            if (offset != data.Length)
            {
                throw new ModelImportException($"{source}: weights group {groupIndex}: the shards hold {data.Length} bytes but the manifest describes {offset}");
            }
        }

        return result;
    }

    private static byte[] ReadShards(JsonElement group, string folder, string source, int groupIndex)
    {
        if (!group.TryGetProperty("paths", out var paths) || paths.ValueKind != JsonValueKind.Array)
        {
            throw new ModelImportException($"{source}: weights group {groupIndex} has no 'paths' list");
        }

        var root = Path.GetFullPath(folder);
        var parts = new List<byte[]>();
        long total = 0;
        foreach (var p in paths.EnumerateArray())
        {
            var relative = p.GetString() ?? "";
            var full = Path.GetFullPath(Path.Combine(root, relative));
            if (relative.Length == 0 || Path.IsPathRooted(relative) || !full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new ModelImportException($"{source}: weight shard path '{relative}' is not a file inside the model folder");
            }

            try
            {
                var bytes = File.ReadAllBytes(full);
                parts.Add(bytes);
                total += bytes.Length;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ModelImportException($"{source}: cannot read weight shard '{relative}' ({e.Message})", e);
            }
        }

        var all = new byte[checked((int)total)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(all, at);
            at += part.Length;
        }

        return all;
    }

    private static TfjsWeight Decode(JsonElement entry, byte[] data, ref long offset, string source, bool allowInt32)
    {
        var name = entry.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        if (name.Length == 0)
        {
            throw new ModelImportException($"{source}: a weight in the manifest has no name");
        }

        if (!entry.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array)
        {
            throw new ModelImportException($"{source}: weight '{name}' has no shape");
        }

        var shape = new int[shapeJson.GetArrayLength()];
        long count = 1;
        var d = 0;
        foreach (var dim in shapeJson.EnumerateArray())
        {
            shape[d++] = dim.GetInt32();
            count *= shape[d - 1];
        }

        var dtype = entry.TryGetProperty("dtype", out var dt) ? dt.GetString() : null;
        if (dtype == "int32" && allowInt32 && !entry.TryGetProperty("quantization", out _))
        {
            var raw = Take(data, ref offset, count * 4, name, source);
            var ints = new int[checked((int)count)];
            for (var i = 0; i < ints.Length; i++)
            {
                ints[i] = BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(i * 4, 4));
            }

            return new TfjsWeight(name, shape, [], ints);
        }

        if (dtype != "float32")
        {
            throw new ModelImportException($"{source}: weight '{name}' has dtype '{dtype}' (supported: float32, optionally uint8/uint16-quantized)");
        }

        var values = new float[checked((int)count)];
        if (!entry.TryGetProperty("quantization", out var q) || q.ValueKind == JsonValueKind.Null)
        {
            var bytes = Take(data, ref offset, count * 4, name, source);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
            }

            return new TfjsWeight(name, shape, values);
        }

        var qtype = q.TryGetProperty("dtype", out var qt) ? qt.GetString() : null;
        if (qtype is not ("uint8" or "uint16"))
        {
            throw new ModelImportException($"{source}: weight '{name}' uses quantization '{qtype}' (supported: uint8, uint16 with min/scale)");
        }

        if (!q.TryGetProperty("min", out var minJson) || !q.TryGetProperty("scale", out var scaleJson))
        {
            throw new ModelImportException($"{source}: weight '{name}': {qtype} quantization without 'min' and 'scale'");
        }

        double min = minJson.GetDouble(), scale = scaleJson.GetDouble();
        if (qtype == "uint8")
        {
            var bytes = Take(data, ref offset, count, name, source);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(min + scale * bytes[i]);
            }
        }
        else
        {
            var bytes = Take(data, ref offset, count * 2, name, source);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(min + scale * BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2, 2)));
            }
        }

        return new TfjsWeight(name, shape, values);
    }

    private static ReadOnlySpan<byte> Take(byte[] data, ref long offset, long length, string name, string source)
    {
        if (offset + length > data.Length)
        {
            throw new ModelImportException($"{source}: weight '{name}' needs bytes {offset}..{offset + length} but the shards hold only {data.Length}");
        }

        var span = data.AsSpan((int)offset, (int)length);
        offset += length;
        return span;
    }
}
