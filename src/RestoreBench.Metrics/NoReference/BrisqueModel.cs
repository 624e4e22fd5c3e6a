using System.Globalization;

namespace RestoreBench.Metrics.NoReference;

/// <summary>
/// The BRISQUE regressor of OpenCV's <c>quality::QualityBRISQUE</c>: an epsilon-SVR with an RBF
/// kernel read from <c>brisque_model_live.yml</c> (OpenCV <c>ml::SVM</c> in FileStorage YAML) and
/// the feature ranges of <c>brisque_range_live.yml</c>, both embedded (OpenCV, Apache-2.0; see
/// NoReference/Models/NOTICE.md). The parser reads exactly the structure these files have and
/// rejects anything else with a message.
/// </summary>
internal sealed class BrisqueModel
{
    private const string ModelResource = "RestoreBench.Metrics.NoReference.brisque_model_live.yml";
    private const string RangeResource = "RestoreBench.Metrics.NoReference.brisque_range_live.yml";

    private static readonly Lazy<BrisqueModel> Shared = new(() => Parse(ReadResource(ModelResource), ReadResource(RangeResource)));

    private BrisqueModel(double gamma, double rho, float[] supportVectors, double[] alpha, int[] index, float[] rangeMin, float[] rangeMax, int featureCount)
    {
        Gamma = gamma;
        Rho = rho;
        SupportVectors = supportVectors;
        Alpha = alpha;
        Index = index;
        RangeMin = rangeMin;
        RangeMax = rangeMax;
        FeatureCount = featureCount;
    }

    /// <summary>The embedded LIVE model.</summary>
    public static BrisqueModel Live => Shared.Value;

    /// <summary>Number of features (36).</summary>
    public int FeatureCount { get; }

    /// <summary>RBF kernel parameter: K(x, y) = exp(−γ |x − y|²).</summary>
    public double Gamma { get; }

    /// <summary>Decision function offset: f(x) = Σ α_k K(x, sv_k) − ρ.</summary>
    public double Rho { get; }

    /// <summary>Support vectors, row-major [count, FeatureCount], float32 as OpenCV stores them.</summary>
    public float[] SupportVectors { get; }

    /// <summary>Dual coefficients of the decision function.</summary>
    public double[] Alpha { get; }

    /// <summary>Support vector used by each coefficient.</summary>
    public int[] Index { get; }

    /// <summary>Per-feature minimum (first row of the range matrix).</summary>
    public float[] RangeMin { get; }

    /// <summary>Per-feature maximum (second row of the range matrix).</summary>
    public float[] RangeMax { get; }

    /// <summary>Number of support vectors.</summary>
    public int SupportVectorCount => SupportVectors.Length / FeatureCount;

    /// <summary>
    /// OpenCV's <c>SVM::predict</c> for EPS_SVR/RBF on already scaled features: the squared
    /// distance accumulates in double from float differences (four at a time), the kernel
    /// exponent is rounded to float, exp is taken in float (here: correctly rounded; OpenCV uses
    /// its own float <c>exp</c>, which can differ by an ulp), the weighted sum is in double starting at −ρ
    /// and the result is rounded to float.
    /// </summary>
    public float Predict(ReadOnlySpan<float> x)
    {
        var n = FeatureCount;
        if (x.Length != n)
        {
            throw new ArgumentException($"Expected {n} features, got {x.Length}.", nameof(x));
        }

        var count = SupportVectorCount;
        var kernel = new float[count];
        var sv = SupportVectors.AsSpan();
        for (var j = 0; j < count; j++)
        {
            var v = sv.Slice(j * n, n);
            var s = 0.0;
            var k = 0;
            for (; k <= n - 4; k += 4)
            {
                double t0 = v[k] - x[k];
                double t1 = v[k + 1] - x[k + 1];
                s += t0 * t0 + t1 * t1;
                t0 = v[k + 2] - x[k + 2];
                t1 = v[k + 3] - x[k + 3];
                s += t0 * t0 + t1 * t1;
            }

            for (; k < n; k++)
            {
                double t0 = v[k] - x[k];
                s += t0 * t0;
            }

            var exponent = (float)(s * -Gamma);
            kernel[j] = (float)Math.Exp(exponent);
        }

        var sum = -Rho;
        for (var i = 0; i < Alpha.Length; i++)
        {
            sum += Alpha[i] * kernel[Index[i]];
        }

        return (float)sum;
    }

    /// <summary>Scales features to [−1, 1] with the range file, in float as OpenCV: −1 + 2 (f − min) / (max − min).</summary>
    public void Scale(ReadOnlySpan<float> features, Span<float> scaled)
    {
        for (var i = 0; i < FeatureCount; i++)
        {
            scaled[i] = -1f + 2f * (features[i] - RangeMin[i]) / (RangeMax[i] - RangeMin[i]);
        }
    }

    internal static BrisqueModel Parse(string modelYaml, string rangeYaml)
    {
        var m = new YamlScanner(modelYaml, "brisque_model_live.yml");
        m.Expect("%YAML:1.0");
        m.Expect("---");
        m.ExpectKey("opencv_ml_svm");
        var svmType = m.ScalarAfterKey("svmType");
        if (svmType != "EPS_SVR")
        {
            throw m.Error($"svmType is '{svmType}', expected EPS_SVR");
        }

        m.ExpectKey("kernel");
        var kernelType = m.ScalarAfterKey("type");
        if (kernelType != "RBF")
        {
            throw m.Error($"kernel type is '{kernelType}', expected RBF");
        }

        var gamma = m.NumberAfterKey("gamma");
        var varCount = (int)m.NumberAfterKey("var_count");
        var svTotal = (int)m.NumberAfterKey("sv_total");
        if (varCount <= 0 || svTotal <= 0)
        {
            throw m.Error($"var_count {varCount} and sv_total {svTotal} must be positive");
        }

        m.ExpectKey("support_vectors");
        var supportVectors = new float[svTotal * varCount];
        for (var j = 0; j < svTotal; j++)
        {
            m.Expect("-");
            var row = m.List();
            if (row.Count != varCount)
            {
                throw m.Error($"support vector {j} has {row.Count} values, expected {varCount}");
            }

            for (var k = 0; k < varCount; k++)
            {
                supportVectors[j * varCount + k] = (float)row[k];
            }
        }

        m.ExpectKey("decision_functions");
        m.Expect("-");
        var svCount = (int)m.NumberAfterKey("sv_count");
        var rho = m.NumberAfterKey("rho");
        m.ExpectKey("alpha");
        var alphaList = m.List();
        if (alphaList.Count != svCount)
        {
            throw m.Error($"alpha has {alphaList.Count} values, sv_count is {svCount}");
        }

        var index = new int[svCount];
        if (m.TryKey("index"))
        {
            var indexList = m.List();
            if (indexList.Count != svCount)
            {
                throw m.Error($"index has {indexList.Count} values, sv_count is {svCount}");
            }

            for (var i = 0; i < svCount; i++)
            {
                index[i] = (int)indexList[i];
            }
        }
        else
        {
            if (svCount != svTotal)
            {
                throw m.Error($"sv_count {svCount} differs from sv_total {svTotal} and there is no index list");
            }

            for (var i = 0; i < svCount; i++)
            {
                index[i] = i;
            }
        }

        foreach (var i in index)
        {
            if ((uint)i >= (uint)svTotal)
            {
                throw m.Error($"support vector index {i} outside [0, {svTotal})");
            }
        }

        var r = new YamlScanner(rangeYaml, "brisque_range_live.yml");
        r.Expect("%YAML:1.0");
        r.Expect("---");
        r.ExpectKey("range");
        r.Expect("!!opencv-matrix");
        var rows = (int)r.NumberAfterKey("rows");
        var cols = (int)r.NumberAfterKey("cols");
        var dt = r.ScalarAfterKey("dt");
        if (rows != 2 || cols != varCount || dt is not ("f" or "d"))
        {
            throw r.Error($"range matrix is {rows}x{cols} of type '{dt}', expected 2x{varCount} of f or d");
        }

        r.ExpectKey("data");
        var data = r.List();
        if (data.Count != rows * cols)
        {
            throw r.Error($"range data has {data.Count} values, expected {rows * cols}");
        }

        var min = new float[cols];
        var max = new float[cols];
        for (var i = 0; i < cols; i++)
        {
            min[i] = (float)data[i];
            max[i] = (float)data[cols + i];
        }

        return new BrisqueModel(gamma, rho, supportVectors, alphaList.ToArray(), index, min, max, varCount);
    }

    private static string ReadResource(string name)
    {
        using var stream = typeof(BrisqueModel).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource '{name}' is missing from {typeof(BrisqueModel).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// A forward-only scanner over the subset of OpenCV FileStorage YAML used by the two files:
    /// "key:" tokens, plain scalars, "- " list items and "[ a, b, ... ]" flow lists of numbers
    /// (possibly spanning lines).
    /// </summary>
    private sealed class YamlScanner(string text, string file)
    {
        private int _pos;

        public InvalidDataException Error(string message)
        {
            var line = 1;
            for (var i = 0; i < _pos && i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    line++;
                }
            }

            return new InvalidDataException($"{file}: {message} (near line {line}).");
        }

        public void Expect(string token)
        {
            SkipSpace();
            if (string.CompareOrdinal(text, _pos, token, 0, token.Length) != 0)
            {
                throw Error($"expected '{token}'");
            }

            _pos += token.Length;
        }

        public void ExpectKey(string key)
        {
            if (!TryKey(key))
            {
                throw Error($"expected key '{key}:'");
            }
        }

        public bool TryKey(string key)
        {
            SkipSpace();
            if (string.CompareOrdinal(text, _pos, key, 0, key.Length) == 0 && _pos + key.Length < text.Length && text[_pos + key.Length] == ':')
            {
                _pos += key.Length + 1;
                return true;
            }

            return false;
        }

        /// <summary>Skips forward to "key:" at the start of a line (after indentation) and returns the scalar after it.</summary>
        public string ScalarAfterKey(string key)
        {
            SeekKey(key);
            SkipSpace();
            var start = _pos;
            while (_pos < text.Length && !char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }

            return text[start.._pos];
        }

        public double NumberAfterKey(string key)
        {
            var s = ScalarAfterKey(key);
            return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw Error($"'{key}' is '{s}', not a number");
        }

        public List<double> List()
        {
            SkipSpace();
            if (_pos >= text.Length || text[_pos] != '[')
            {
                throw Error("expected '['");
            }

            var end = text.IndexOf(']', _pos);
            if (end < 0)
            {
                throw Error("unterminated '['");
            }

            var body = text.AsSpan(_pos + 1, end - _pos - 1);
            var values = new List<double>();
            foreach (var range in body.Split(','))
            {
                var item = body[range].Trim();
                if (item.IsEmpty)
                {
                    continue;
                }

                if (!double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                {
                    throw Error($"'{item.ToString()}' is not a number");
                }

                values.Add(v);
            }

            _pos = end + 1;
            return values;
        }

        private void SeekKey(string key)
        {
            while (true)
            {
                var at = text.IndexOf(key + ":", _pos, StringComparison.Ordinal);
                if (at < 0)
                {
                    throw Error($"key '{key}:' not found");
                }

                var lineStart = at;
                while (lineStart > 0 && text[lineStart - 1] == ' ')
                {
                    lineStart--;
                }

                _pos = at + key.Length + 1;
                if (lineStart == 0 || text[lineStart - 1] == '\n')
                {
                    return;
                }
            }
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }
    }
}
