using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using RestoreBench.Core.Imaging;
using RestoreBench.Experiments.Spec;

namespace RestoreBench.Experiments.Tests;

/// <summary>The real restorebench executable as a process.</summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "restorebench.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        // Catalog models are not used by these specs; keep the model cache out of the user's home.
        start.Environment["RESTOREBENCH_HOME"] = Path.Combine(Path.GetTempPath(), "rb-exp-tests-home");
        return Process.Start(start)!;
    }

    public static Result Run(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A temporary folder with a tiny dataset and spec; deleted on dispose.</summary>
internal sealed class Workspace : IDisposable
{
    public Workspace()
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rb-exp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>Writes <paramref name="count"/> smooth RGB test photos (and one gray) of about 40×48 into gt/.</summary>
    public string Images(int count = 4, int height = 40, int width = 48)
    {
        var folder = Path("gt");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < count; i++)
        {
            var channels = i == count - 1 ? 1 : 3;
            var image = new ImageTensor(channels, height + i, width);
            for (var c = 0; c < channels; c++)
            {
                var p = image.Plane(c);
                for (var y = 0; y < image.Height; y++)
                {
                    for (var x = 0; x < width; x++)
                    {
                        p[y * width + x] = 0.5 + 0.35 * Math.Sin(0.3 * x + 0.17 * y * (i + 1) + c) + 0.1 * Math.Cos(0.9 * x * y / (width + 1.0));
                    }
                }
            }

            ImageFile.WritePng(image, System.IO.Path.Combine(folder, $"img{i}.png"));
        }

        return folder;
    }

    /// <summary>A small spec: SR2, a blur sweep, classical restorers and lq; fast metrics.</summary>
    public string Spec(string extraRestorers = "", string name = "spec.yaml")
    {
        var text = $$"""
            name: tiny
            seeds: [0, 1]
            datasets:
              - name: toy
                gt: gt
            tasks:
              - {name: SR2, degradation: "down(scale=2)|noise(sigma=2)"}
              - name: blur
                degradation: "blur(sigma={sigma})|noise(sigma=1)"
                sweep: {sigma: [1, 2]}
            restorers:
              - lq
              - {type: classical, name: bicubic, spec: "bicubic(scale={scale})", tasks: [SR2]}
              - {type: classical, name: lanczos3, spec: "lanczos3(scale={scale})", tasks: [SR2]}
              - {type: classical, name: wiener, spec: "wiener(sigma={sigma})"}
              - {type: classical, name: richardson_lucy, spec: "richardson_lucy(sigma={sigma},iterations=15)"}
            {{extraRestorers}}
            metrics:
              - psnr_y
              - ssim_y
              - {name: psnr_y, crop: scale}
              - lr_psnr
            """;
        var path = Path(name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Dumps a store's rows as sorted text lines, timings (latency, peak memory) and run rows aside.</summary>
internal static class StoreDump
{
    public static string Dump(string dbPath)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = dbPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        var sb = new StringBuilder();
        foreach (var (table, columns) in new[]
                 {
                     ("metrics", "*"), ("tasks", "*"), ("samples", "*"),
                     ("restorers", "*"), ("outputs", "sample_id, restorer, status, file, hash, error"), ("scores", "*"),
                 })
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {columns} FROM {table}";
            using var reader = command.ExecuteReader();
            var lines = new List<string>();
            while (reader.Read())
            {
                var cells = new string[reader.FieldCount];
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
                }

                lines.Add(table + "|" + string.Join("|", cells));
            }

            lines.Sort(StringComparer.Ordinal);
            foreach (var l in lines)
            {
                sb.Append(l).Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <summary>Relative path → SHA-256 of every file under lq/ and restored/.</summary>
    public static SortedDictionary<string, string> Files(string folder)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var sub in new[] { "lq", "restored" })
        {
            var dir = System.IO.Path.Combine(folder, sub);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                result[System.IO.Path.GetRelativePath(folder, f)] = Hashing.FileSha256Hex(f);
            }
        }

        return result;
    }

    public static long Count(string dbPath, string sql)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = dbPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
