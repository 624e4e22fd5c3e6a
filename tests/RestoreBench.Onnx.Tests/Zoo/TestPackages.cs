using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using RestoreBench.Onnx.Tests.Import;
using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Onnx.Tests.Zoo;

/// <summary>Builds npm-style tarballs (entries under <c>package/</c>) and fake npm executables for store tests.</summary>
internal static class TestPackages
{
    /// <summary>Writes a .tgz with the given regular files and optional raw entries (links, odd names).</summary>
    public static void Write(string path, IEnumerable<(string Name, byte[] Data)> files, IEnumerable<TarEntry>? extra = null)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var (name, data) in files)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        }

        foreach (var entry in extra ?? [])
        {
            writer.WriteEntry(entry);
        }
    }

    /// <summary>
    /// A package holding a tiny ×2 TF.js model at package/models/x2 (plus a README), and a catalog
    /// entry for it with the tarball's real integrity.
    /// </summary>
    public static CatalogModel TinyPackage(string work, string tarballPath, Action<string>? spoilModelFolder = null)
    {
        var modelFolder = Path.Combine(work, "tiny-src");
        var m = TfjsLayersImporterTests.AllLayers();
        m.Write(modelFolder);
        spoilModelFolder?.Invoke(modelFolder);
        var files = new List<(string, byte[])> { ("package/README.md", Encoding.UTF8.GetBytes("tiny\n")) };
        foreach (var f in Directory.GetFiles(modelFolder).Order(StringComparer.Ordinal))
        {
            files.Add(("package/models/x2/" + Path.GetFileName(f), File.ReadAllBytes(f)));
        }

        Write(tarballPath, files);
        long parameters = 0;
        foreach (var v in m.Values.Values)
        {
            parameters += v.Length;
        }

        var package = new NpmPackage("@test/tiny", "1.0.0", PackageIntegrity.Compute(tarballPath));
        return new CatalogModel("tiny-x2", ModelCatalog.SuperResolution, 2, package, "models/x2", "tfjs-layers", ValueRange.Byte, ValueRange.Byte,
            "test network", parameters, "MIT", "none", null, null, "test");
    }

    /// <summary>A shell script that behaves like 'npm pack': copies <paramref name="tarball"/> into the working folder and prints npm's JSON.</summary>
    public static string FakeNpm(string folder, string? tarball, int exitCode = 0, string stderr = "")
    {
        var script = Path.Combine(folder, "fake-npm");
        var body = new StringBuilder("#!/bin/sh\n");
        body.Append("echo \"$@\" >> \"").Append(Path.Combine(folder, "npm-calls.txt")).Append("\"\n");
        if (stderr.Length > 0)
        {
            body.Append("echo '").Append(stderr).Append("' >&2\n");
        }

        if (tarball is not null)
        {
            body.Append("cp '").Append(tarball).Append("' ./test-tiny-1.0.0.tgz\n");
            body.Append("echo '[{\"id\":\"@test/tiny@1.0.0\",\"filename\":\"test-tiny-1.0.0.tgz\"}]'\n");
        }

        body.Append("exit ").Append(exitCode).Append('\n');
        File.WriteAllText(script, body.ToString());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return script;
    }
}

/// <summary>A fact that needs a POSIX shell (fake npm scripts); skipped on Windows.</summary>
internal sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "needs a POSIX shell for the fake npm script";
        }
    }
}
