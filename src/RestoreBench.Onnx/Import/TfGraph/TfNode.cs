using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RestoreBench.Onnx.Import.TfGraph;

/// <summary>
/// One node of a TensorFlow.js graph model (<c>modelTopology.node[]</c>, a GraphDef in JSON): name, op,
/// data inputs (control inputs <c>^name</c> dropped, <c>name:0</c> read as <c>name</c>) and attributes
/// in the GraphDef JSON encoding (integers as strings, strings base64).
/// </summary>
internal sealed class TfNode
{
    private readonly JsonElement _attr;

    public TfNode(JsonElement json, string source)
    {
        Name = json.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        Op = json.TryGetProperty("op", out var o) ? o.GetString() ?? "" : "";
        if (Name.Length == 0 || Op.Length == 0)
        {
            throw new ModelImportException($"{source}: a node without a name or op in modelTopology.node");
        }

        var inputs = new List<string>();
        if (json.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Array)
        {
            foreach (var i in input.EnumerateArray())
            {
                var text = i.GetString() ?? "";
                if (text.StartsWith('^'))
                {
                    continue;
                }

                var colon = text.LastIndexOf(':');
                if (colon > 0)
                {
                    if (text[(colon + 1)..] != "0")
                    {
                        throw new ModelImportException($"{source}: node '{Name}' ({Op}) reads output {text[(colon + 1)..]} of '{text[..colon]}'; only single-output ops are supported");
                    }

                    text = text[..colon];
                }

                inputs.Add(text);
            }
        }

        Inputs = inputs;
        _attr = json.TryGetProperty("attr", out var attr) && attr.ValueKind == JsonValueKind.Object ? attr : default;
    }

    public string Name { get; }

    public string Op { get; }

    public IReadOnlyList<string> Inputs { get; }

    public bool HasAttr(string key) => _attr.ValueKind == JsonValueKind.Object && _attr.TryGetProperty(key, out _);

    public long Int(string key, long? fallback = null)
    {
        if (Get(key) is { } a && a.TryGetProperty("i", out var i))
        {
            return i.ValueKind == JsonValueKind.String ? long.Parse(i.GetString()!, CultureInfo.InvariantCulture) : i.GetInt64();
        }

        return fallback ?? throw Missing(key);
    }

    public bool Bool(string key, bool fallback) => Get(key) is { } a && a.TryGetProperty("b", out var b) ? b.GetBoolean() : fallback;

    public string Text(string key, string? fallback = null)
    {
        if (Get(key) is { } a && a.TryGetProperty("s", out var s))
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(s.GetString() ?? ""));
        }

        return fallback ?? throw Missing(key);
    }

    public long[] Ints(string key, long[]? fallback = null)
    {
        if (Get(key) is { } a && a.TryGetProperty("list", out var list))
        {
            if (!list.TryGetProperty("i", out var items))
            {
                return [];
            }

            var result = new List<long>();
            foreach (var i in items.EnumerateArray())
            {
                result.Add(i.ValueKind == JsonValueKind.String ? long.Parse(i.GetString()!, CultureInfo.InvariantCulture) : i.GetInt64());
            }

            return [.. result];
        }

        return fallback ?? throw Missing(key);
    }

    /// <summary>A type attribute (<c>{"type": "DT_FLOAT"}</c>) as <see cref="TfType"/>; null when absent.</summary>
    public TfType? Type(string key)
    {
        if (Get(key) is not { } a || !a.TryGetProperty("type", out var t))
        {
            return null;
        }

        return t.GetString() switch
        {
            "DT_FLOAT" => TfType.Float,
            "DT_INT32" => TfType.Int32,
            "DT_INT64" => TfType.Int64,
            "DT_BOOL" => TfType.Bool,
            var other => throw new ModelImportException($"node '{Name}' ({Op}): attribute {key} has type {other} (supported: DT_FLOAT, DT_INT32, DT_INT64, DT_BOOL)"),
        };
    }

    /// <summary>The <c>shape</c> attribute of a Placeholder (-1 for unknown sizes), or null.</summary>
    public int[]? ShapeAttr(string key)
    {
        if (Get(key) is not { } a || !a.TryGetProperty("shape", out var shape))
        {
            return null;
        }

        if (!shape.TryGetProperty("dim", out var dims))
        {
            return [];
        }

        var result = new List<int>();
        foreach (var d in dims.EnumerateArray())
        {
            var size = d.TryGetProperty("size", out var s) ? s : default;
            result.Add(size.ValueKind switch
            {
                JsonValueKind.String => int.Parse(size.GetString()!, CultureInfo.InvariantCulture),
                JsonValueKind.Number => size.GetInt32(),
                _ => -1,
            });
        }

        return [.. result];
    }

    public override string ToString() => $"'{Name}' ({Op})";

    private JsonElement? Get(string key) =>
        _attr.ValueKind == JsonValueKind.Object && _attr.TryGetProperty(key, out var a) ? a : null;

    private ModelImportException Missing(string key) => new($"node '{Name}' ({Op}) has no attribute '{key}'");
}
