using System.Text.Json;
using System.Text.Json.Nodes;
using RestoreBench.Onnx.Import;
using RestoreBench.Tests;
using static RestoreBench.Onnx.Tests.Import.TinyTfGraph;

namespace RestoreBench.Onnx.Tests.Import;

/// <summary>
/// Single-op conversions of <see cref="TfjsGraphImporter"/> on graphs built here, each against a reference
/// written from the TensorFlow op definition (naive loops below), or against NumPy (StridedSlice:
/// TestData/strided_slice_cases.json, made by TestData/make_strided_slice_cases.py). Ops applied to the
/// image input run in ONNX Runtime; the same ops applied to constants are folded at import.
/// </summary>
public sealed class TfjsGraphImporterTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "rb-tfgraph-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    public static TheoryData<int, int, int, int, int, int, int, string, int> ConvCases() => new()
    {
        // h, w, cin, cout, k, stride, dilation, padding, groups
        { 6, 7, 2, 3, 3, 2, 1, "SAME", 1 },   // even height: SAME pads 0 before, 1 after (asymmetric)
        { 8, 8, 3, 4, 4, 2, 1, "SAME", 1 },   // MAXIM's 4x4 stride-2 downsampling
        { 7, 7, 2, 2, 3, 1, 2, "VALID", 1 },  // dilation
        { 5, 6, 4, 6, 3, 1, 1, "SAME", 2 },   // grouped: filter in = 2 of 4 channels
        { 5, 5, 3, 2, 1, 1, 1, "VALID", 1 },  // 1x1
    };

    /// <summary>Conv2D (NHWC, HWIO filter) against TensorFlow's definition: SAME gives ⌈in/stride⌉ outputs, total padding max((out−1)·s + (k−1)·d + 1 − in, 0), ⌊total/2⌋ before.</summary>
    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv2D_matches_the_tensorflow_definition(int h, int w, int cin, int cout, int k, int stride, int dilation, string padding, int groups)
    {
        var x = Ramp(h * w * cin, 0.37f);
        var filter = Ramp(k * k * (cin / groups) * cout, -0.11f);
        var g = new TinyTfGraph(cin);
        var f = g.Const(filter, k, k, cin / groups, cout);
        g.Output(g.Op("Conv2D", [Input, f], new JsonObject
        {
            ["T"] = Type("DT_FLOAT"),
            ["data_format"] = Text("NHWC"),
            ["padding"] = Text(padding),
            ["strides"] = List(1, stride, stride, 1),
            ["dilations"] = List(1, dilation, dilation, 1),
        }));
        var (actual, shape) = g.Run(Path.Combine(_work, "conv"), h, w, x);
        var (expected, oh, ow) = ReferenceConv(x, h, w, cin, filter, k, cout, stride, dilation, padding == "SAME", groups);
        Assert.Equal([1, oh, ow, cout], shape);
        AssertClose(expected, actual, 1e-5);
    }

    /// <summary>
    /// Conv2DBackpropInput (tf.nn.conv2d_transpose) against its definition as the gradient of Conv2D: every
    /// dy[o] spreads dy[o]·filter[t] to input position o·s − before + t·d, where "before" is the forward
    /// convolution's padding of input_sizes. Odd sizes exercise the output padding.
    /// </summary>
    [Theory]
    [InlineData(4, 3, 7, 6, 3, 2, "SAME")]
    [InlineData(4, 4, 8, 8, 2, 2, "VALID")]  // MAXIM's 2x2 stride-2 upsampling
    [InlineData(3, 3, 7, 8, 3, 2, "VALID")]
    [InlineData(5, 4, 5, 4, 3, 1, "SAME")]
    public void Conv2DBackpropInput_matches_the_gradient_of_Conv2D(int h, int w, int outH, int outW, int k, int stride, string padding)
    {
        const int cin = 3, cout = 2;
        var dy = Ramp(h * w * cin, 0.21f);
        var filter = Ramp(k * k * cout * cin, 0.13f);
        var g = new TinyTfGraph(cin);
        var f = g.Const(filter, k, k, cout, cin);
        g.Output(g.Op("Conv2DBackpropInput", [g.Vector(1, outH, outW, cout), f, Input], new JsonObject
        {
            ["T"] = Type("DT_FLOAT"),
            ["data_format"] = Text("NHWC"),
            ["padding"] = Text(padding),
            ["strides"] = List(1, stride, stride, 1),
            ["dilations"] = List(1, 1, 1, 1),
        }));
        var (actual, shape) = g.Run(Path.Combine(_work, "deconv"), h, w, dy);
        Assert.Equal([1, outH, outW, cout], shape);

        var expected = new double[outH * outW * cout];
        var top = padding == "SAME" ? SamePadBefore(outH, k, stride, 1) : 0;
        var left = padding == "SAME" ? SamePadBefore(outW, k, stride, 1) : 0;
        for (var oy = 0; oy < h; oy++)
        {
            for (var ox = 0; ox < w; ox++)
            {
                for (int ky = 0; ky < k; ky++)
                {
                    for (int kx = 0; kx < k; kx++)
                    {
                        int iy = (oy * stride) - top + ky, ix = (ox * stride) - left + kx;
                        if (iy < 0 || iy >= outH || ix < 0 || ix >= outW)
                        {
                            continue;
                        }

                        for (var co = 0; co < cout; co++)
                        {
                            for (var ci = 0; ci < cin; ci++)
                            {
                                expected[(((iy * outW) + ix) * cout) + co] += dy[(((oy * w) + ox) * cin) + ci] * (double)filter[(((((ky * k) + kx) * cout) + co) * cin) + ci];
                            }
                        }
                    }
                }
            }
        }

        AssertClose(expected, actual, 1e-5);
    }

    public static TheoryData<int> SliceCases()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < ReadSliceCases().GetProperty("cases").GetArrayLength(); i++)
        {
            data.Add(i);
        }

        return data;
    }

    /// <summary>StridedSlice (begin/end/ellipsis/new-axis/shrink masks, negative strides, clamping) on the image input (ONNX Slice + Reshape) and on a constant (folded), against NumPy indexing.</summary>
    [Theory]
    [MemberData(nameof(SliceCases))]
    public void StridedSlice_matches_numpy_indexing_computed_and_folded(int index)
    {
        var c = ReadSliceCases().GetProperty("cases")[index];
        var x = new float[60];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = i;
        }

        var expected = c.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var attr = new JsonObject
        {
            ["T"] = Type("DT_FLOAT"),
            ["Index"] = Type("DT_INT32"),
            ["begin_mask"] = Int(c.GetProperty("begin_mask").GetInt64()),
            ["end_mask"] = Int(c.GetProperty("end_mask").GetInt64()),
            ["ellipsis_mask"] = Int(c.GetProperty("ellipsis_mask").GetInt64()),
            ["new_axis_mask"] = Int(c.GetProperty("new_axis_mask").GetInt64()),
            ["shrink_axis_mask"] = Int(c.GetProperty("shrink_axis_mask").GetInt64()),
        };
        int[] Spec(string key) => c.GetProperty(key).EnumerateArray().Select(v => v.GetInt32()).ToArray();

        // On the image input: [1, 4, 5, 3] → slice → flattened to [1, 1, n, 1].
        var g = new TinyTfGraph(3);
        var slice = g.Op("StridedSlice", [Input, g.Vector(Spec("begin")), g.Vector(Spec("end")), g.Vector(Spec("strides"))], attr);
        g.Output(g.Op("Reshape", [slice, g.Vector(1, 1, -1, 1)]));

        // On a constant: folded at import, then added to a zero input of the result's size.
        var f = new TinyTfGraph(1);
        var constant = f.Const(x, 1, 4, 5, 3);
        var folded = f.Op("StridedSlice", [constant, f.Vector(Spec("begin")), f.Vector(Spec("end")), f.Vector(Spec("strides"))], (JsonObject)attr.DeepClone());
        var flat = f.Op("Reshape", [folded, f.Vector(1, 1, -1, 1)]);
        if (expected.Length == 0)
        {
            // An empty slice: the converted model's output has no elements (NCHW [1, 1, 1, 0]).
            var empty = TfjsGraphImporter.Import(g.Write(Path.Combine(_work, "slice")), new TfjsGraphImportOptions { Height = 4, Width = 5 });
            Assert.Equal([1, 1, 1, 0], empty.OutputShape);
            return;
        }

        var (actual, shape) = g.Run(Path.Combine(_work, "slice"), 4, 5, x);
        Assert.Equal([1, 1, expected.Length, 1], shape);
        AssertClose(expected, actual, 0);

        f.Output(f.Op("AddV2", [Input, flat]));
        var (folded1, shape1) = f.Run(Path.Combine(_work, "slice-const"), 1, expected.Length, new float[expected.Length]);
        Assert.Equal([1, 1, expected.Length, 1], shape1);
        AssertClose(expected, folded1, 0);
    }

    /// <summary>Einsum: <c>abcg,gf->abcf</c> (ONNX MatMul) and <c>gb,cgef->bcef</c> (ONNX Einsum), against the summation they define.</summary>
    [Fact]
    public void Einsum_matches_its_summation()
    {
        const int h = 4, w = 3, c = 2, f = 5, b = 6;
        var x = Ramp(h * w * c, 0.3f);
        var weight = Ramp(c * f, -0.2f);
        var resize = Ramp(h * b, 0.17f);
        var g = new TinyTfGraph(c);
        var mixed = g.Op("Einsum", [Input, g.Const(weight, c, f)], new JsonObject { ["N"] = Int(2), ["T"] = Type("DT_FLOAT"), ["equation"] = Text("abcg,gf->abcf") });
        var rows = g.Op("Einsum", [g.Const(resize, h, b), mixed], new JsonObject { ["N"] = Int(2), ["T"] = Type("DT_FLOAT"), ["equation"] = Text("gb,cgef->bcef") });
        g.Output(g.Op("Reshape", [rows, g.Vector(1, b, w, f)]));
        var (actual, shape) = g.Run(Path.Combine(_work, "einsum"), h, w, x);
        Assert.Equal([1, b, w, f], shape);

        var expected = new double[b * w * f];
        for (var bi = 0; bi < b; bi++)
        {
            for (var e = 0; e < w; e++)
            {
                for (var fi = 0; fi < f; fi++)
                {
                    double sum = 0;
                    for (var gi = 0; gi < h; gi++)
                    {
                        double m = 0;
                        for (var ci = 0; ci < c; ci++)
                        {
                            m += x[(((gi * w) + e) * c) + ci] * (double)weight[(ci * f) + fi];
                        }

                        sum += resize[(gi * b) + bi] * m;
                    }

                    expected[(((bi * w) + e) * f) + fi] = sum;
                }
            }
        }

        AssertClose(expected, actual, 1e-5);
    }

    /// <summary>
    /// The element-wise family, comparisons, SelectV2, Sum, GatherV2, Pack, ConcatV2, BroadcastTo, Transpose
    /// and Reshape: the same little graph run on the image input (ONNX) and on a constant copy of it (folded)
    /// gives the values written out below from the ops' definitions.
    /// </summary>
    [Fact]
    public void Elementwise_and_structural_ops_agree_computed_folded_and_by_definition()
    {
        const int h = 2, w = 3, c = 2;
        float[] x = [-1.5f, 0.25f, 2f, -0.75f, 0.5f, 3f, -2f, 1f, 0f, 1.25f, -0.5f, 4f];
        var expected = ElementwiseReference(x, h, w, c);

        var computed = ElementwiseGraph(constantInput: null, c);
        var (a, shapeA) = computed.Run(Path.Combine(_work, "ew"), h, w, x);
        var folded = ElementwiseGraph(constantInput: x, c);
        var (b, shapeB) = folded.Run(Path.Combine(_work, "ew-const"), 1, expected.Length, new float[expected.Length]);
        Assert.Equal(shapeA, shapeB);
        Assert.Equal(expected.Length, a.Length);
        AssertClose(expected, a, 2e-6);
        AssertClose(expected, b, 2e-6);
    }

    /// <summary>Integer and rounding semantics of folded ops, with the values TensorFlow documents: FloorDiv/FloorMod round toward −∞ (the remainder takes the divisor's sign), Cast float→int32 truncates, Range stops before the limit.</summary>
    [Fact]
    public void Folded_integer_ops_follow_tensorflow()
    {
        var g = new TinyTfGraph(1);
        var floorDiv = g.Op("FloorDiv", [g.Vector(-7, 7, -7, 7), g.Vector(2, 2, -2, -2)], new JsonObject { ["T"] = Type("DT_INT32") });
        var floorMod = g.Op("FloorMod", [g.Vector(-7, 7, -7, 7), g.Vector(3, 3, -3, -3)], new JsonObject { ["T"] = Type("DT_INT32") });
        var truncated = g.Op("Cast", [g.Const([-2.7f, 2.7f, -0.5f, 1.5f], 4)], new JsonObject { ["SrcT"] = Type("DT_FLOAT"), ["DstT"] = Type("DT_INT32") });
        var range = g.Op("Range", [g.Scalar(1), g.Scalar(11), g.Scalar(3)], new JsonObject { ["Tidx"] = Type("DT_INT32") });
        var floatMod = g.Op("FloorMod", [g.Const([-7.5f, 7.5f, 5f, -5f], 4), g.Const([2f, -2f, 2.5f, 3f], 4)], new JsonObject { ["T"] = Type("DT_FLOAT") });
        var ints = g.Op("ConcatV2", [floorDiv, floorMod, truncated, range, g.Scalar(0)], new JsonObject { ["N"] = Int(4), ["T"] = Type("DT_INT32") });
        var asFloat = g.Op("Cast", [ints], new JsonObject { ["SrcT"] = Type("DT_INT32"), ["DstT"] = Type("DT_FLOAT") });
        var all = g.Op("ConcatV2", [asFloat, floatMod, g.Scalar(0)], new JsonObject { ["N"] = Int(2), ["T"] = Type("DT_FLOAT") });
        g.Output(g.Op("AddV2", [Input, g.Op("Reshape", [all, g.Vector(1, 1, -1, 1)])], new JsonObject { ["T"] = Type("DT_FLOAT") }));
        var (actual, _) = g.Run(Path.Combine(_work, "ints"), 1, 20, new float[20]);
        double[] expected = [-4, 3, 3, -4, 2, 1, -1, -2, -2, 2, 0, 1, 1, 4, 7, 10, 0.5, -0.5, 0, 1];
        AssertClose(expected, actual, 0);
    }

    [Fact]
    public void Unknown_op_is_refused_naming_the_op_and_the_node()
    {
        var g = new TinyTfGraph(3);
        g.Output(g.Op("MirrorPad", [Input, g.Ints([0, 0, 1, 1, 1, 1, 0, 0], 4, 2)], name: "backbone/pad_7"));
        var path = g.Write(Path.Combine(_work, "unknown"));
        var e = Assert.Throws<ModelImportException>(() => TfjsGraphImporter.Import(path, new TfjsGraphImportOptions { Height = 4, Width = 4 }));
        Assert.Contains("'MirrorPad'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'backbone/pad_7'", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Equal(1, TfjsGraphImporter.Census(path)["MirrorPad"]);
    }

    [Fact]
    public void Missing_weight_shard_is_an_error_naming_the_shard()
    {
        var g = SmallConvGraph();
        var folder = Path.Combine(_work, "missing");
        var path = g.Write(folder);
        File.Delete(Path.Combine(folder, "group1-shard1of1.bin"));
        var e = Assert.Throws<ModelImportException>(() => TfjsGraphImporter.Import(path, new TfjsGraphImportOptions { Height = 4, Width = 4 }));
        Assert.Contains("group1-shard1of1.bin", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Short_weight_shard_is_an_error_naming_the_weight()
    {
        var g = SmallConvGraph();
        var folder = Path.Combine(_work, "short");
        var path = g.Write(folder);
        var shard = Path.Combine(folder, "group1-shard1of1.bin");
        File.WriteAllBytes(shard, File.ReadAllBytes(shard)[..^8]);
        var e = Assert.Throws<ModelImportException>(() => TfjsGraphImporter.Import(path, new TfjsGraphImportOptions { Height = 4, Width = 4 }));
        Assert.Contains("Const_1", e.Message, StringComparison.Ordinal);
        Assert.Contains("shards hold only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Layers_model_is_refused_with_a_pointer_to_the_layers_importer()
    {
        var folder = Path.Combine(_work, "layers");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "model.json"), """{"format": "layers-model", "modelTopology": {}, "weightsManifest": []}""");
        var e = Assert.Throws<ModelImportException>(() => TfjsGraphImporter.Import(folder, new TfjsGraphImportOptions { Height = 4, Width = 4 }));
        Assert.Contains("tfjs-layers", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_is_deterministic()
    {
        var g = SmallConvGraph();
        var path = g.Write(Path.Combine(_work, "det"));
        var a = TfjsGraphImporter.Import(path, new TfjsGraphImportOptions { Height = 4, Width = 4 });
        var b = TfjsGraphImporter.Import(path, new TfjsGraphImportOptions { Height = 4, Width = 4 });
        Assert.Equal(a.Model, b.Model);
        Assert.Equal(3 * 3 * 3 * 2, a.ParameterCount);
    }

    internal static float[] Ramp(int count, float step)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            // A deterministic, non-periodic pattern in about [-1, 1].
            values[i] = MathF.Sin((i + 1) * step * 3.1f) * (1 + (0.1f * (i % 3)));
        }

        return values;
    }

    private static TinyTfGraph SmallConvGraph()
    {
        var g = new TinyTfGraph(3);
        var f = g.Const(Ramp(3 * 3 * 3 * 2, 0.1f), 3, 3, 3, 2);
        g.Output(g.Op("Conv2D", [Input, f], new JsonObject { ["T"] = Type("DT_FLOAT"), ["padding"] = Text("SAME"), ["strides"] = List(1, 1, 1, 1) }));
        return g;
    }

    private static JsonElement ReadSliceCases() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "tests", "RestoreBench.Onnx.Tests", "Import", "TestData", "strided_slice_cases.json"))).RootElement;

    private static int SamePadBefore(int size, int k, int stride, int dilation)
    {
        var output = (size + stride - 1) / stride;
        var total = Math.Max(((output - 1) * stride) + ((k - 1) * dilation) + 1 - size, 0);
        return total / 2;
    }

    private static (double[] Values, int Height, int Width) ReferenceConv(float[] x, int h, int w, int cin, float[] filter, int k, int cout, int stride, int dilation, bool same, int groups)
    {
        var effective = ((k - 1) * dilation) + 1;
        int oh = same ? (h + stride - 1) / stride : ((h - effective) / stride) + 1;
        int ow = same ? (w + stride - 1) / stride : ((w - effective) / stride) + 1;
        int top = same ? SamePadBefore(h, k, stride, dilation) : 0, left = same ? SamePadBefore(w, k, stride, dilation) : 0;
        var perGroupIn = cin / groups;
        var perGroupOut = cout / groups;
        var y = new double[oh * ow * cout];
        for (var oy = 0; oy < oh; oy++)
        {
            for (var ox = 0; ox < ow; ox++)
            {
                for (var co = 0; co < cout; co++)
                {
                    var group = co / perGroupOut;
                    double sum = 0;
                    for (var ky = 0; ky < k; ky++)
                    {
                        for (var kx = 0; kx < k; kx++)
                        {
                            int iy = (oy * stride) - top + (ky * dilation), ix = (ox * stride) - left + (kx * dilation);
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                            {
                                continue;
                            }

                            for (var ci = 0; ci < perGroupIn; ci++)
                            {
                                sum += x[(((iy * w) + ix) * cin) + (group * perGroupIn) + ci] * (double)filter[(((((ky * k) + kx) * perGroupIn) + ci) * cout) + co];
                            }
                        }
                    }

                    y[(((oy * ow) + ox) * cout) + co] = sum;
                }
            }
        }

        return (y, oh, ow);
    }

    /// <summary>
    /// Per pixel, concatenated over channels and flattened to [1, 1, n, 1]: for each channel (Pack on a new last axis, axis −1)
    /// SelectV2(x &gt; 0, Rsqrt(|x| + 1), −x²) and Maximum(Tanh(x), Minimum(Exp(x)·0.1, 0.5)) / 2 − Reciprocal(x² + 1);
    /// then Sum(x over channels, keep_dims) through BroadcastTo; then GatherV2(x, columns [2, 0, 1], axis 2) through
    /// two Transposes. With <paramref name="constantInput"/> the input is a Const (everything folds) and the result is
    /// added to a zero [1, 1, n, 1] input.
    /// </summary>
    private static TinyTfGraph ElementwiseGraph(float[]? constantInput, int c)
    {
        var g = new TinyTfGraph(constantInput is null ? c : 1);
        var f = new JsonObject { ["T"] = Type("DT_FLOAT") };
        JsonObject F() => (JsonObject)f.DeepClone();
        var x = constantInput is null ? Input : g.Const(constantInput, 1, 2, 3, c);
        var one = g.Const([1f]);
        var positive = g.Op("Greater", [x, g.Const([0f])], F());
        var rs = g.Op("Rsqrt", [g.Op("AddV2", [g.Op("Abs", [x], F()), one], F())], F());
        var negSq = g.Op("Neg", [g.Op("Square", [x], F())], F());
        var select = g.Op("SelectV2", [positive, rs, negSq], F());
        var capped = g.Op("Minimum", [g.Op("Mul", [g.Op("Exp", [x], F()), g.Const([0.1f])], F()), g.Const([0.5f])], F());
        var mx = g.Op("RealDiv", [g.Op("Maximum", [g.Op("Tanh", [x], F()), capped], F()), g.Const([2f])], F());
        var recip = g.Op("Reciprocal", [g.Op("AddV2", [g.Op("Square", [x], F()), one], F())], F());
        var second = g.Op("Sub", [mx, recip], F());
        var sum = g.Op("Sum", [x, g.Scalar(3)], new JsonObject { ["T"] = Type("DT_FLOAT"), ["keep_dims"] = Bool(true) });
        var broadcast = g.Op("BroadcastTo", [sum, g.Vector(1, 2, 3, 1)], F());
        var gathered = g.Op("GatherV2", [x, g.Vector(2, 0, 1), g.Scalar(2)], new JsonObject { ["batch_dims"] = Int(0) });
        var transposed = g.Op("Transpose", [g.Op("Transpose", [gathered, g.Vector(0, 2, 1, 3)]), g.Vector(0, 2, 1, 3)]);
        var packed = g.Op("Pack", [select, second], new JsonObject { ["axis"] = Int(-1), ["N"] = Int(2) });
        var packedFlat = g.Op("Reshape", [packed, g.Vector(1, 2, 3, 2 * c)]);
        var all = g.Op("ConcatV2", [packedFlat, broadcast, transposed, g.Scalar(-1)], new JsonObject { ["N"] = Int(3) });
        var flat = g.Op("Reshape", [all, g.Vector(1, 1, -1, 1)]);
        g.Output(constantInput is null ? flat : g.Op("AddV2", [Input, flat], F()));
        return g;
    }

    private static double[] ElementwiseReference(float[] x, int h, int w, int c)
    {
        var perPixel = (2 * c) + 1 + c;
        var y = new List<double>();
        for (var p = 0; p < h * w; p++)
        {
            var pixel = new double[perPixel];
            for (var k = 0; k < c; k++)
            {
                double v = x[(p * c) + k];
                var select = v > 0 ? 1 / Math.Sqrt(Math.Abs(v) + 1) : -(v * v);
                var second = (Math.Max(Math.Tanh(v), Math.Min(Math.Exp(v) * 0.1, 0.5)) / 2) - (1 / ((v * v) + 1));
                pixel[2 * k] = select;
                pixel[(2 * k) + 1] = second;
            }

            double sum = 0;
            for (var k = 0; k < c; k++)
            {
                sum += x[(p * c) + k];
            }

            pixel[2 * c] = sum;
            int row = p / w, col = p % w;
            int[] columns = [2, 0, 1];
            for (var k = 0; k < c; k++)
            {
                pixel[(2 * c) + 1 + k] = x[(((row * w) + columns[col]) * c) + k];
            }

            y.AddRange(pixel);
        }

        return [.. y];
    }

    private static void AssertClose(double[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance})");
        }
    }
}
