using System.Formats.Tar;
using System.Text;
using RestoreBench.Onnx.Zoo;

namespace RestoreBench.Onnx.Tests.Zoo;

public sealed class SafeTarExtractorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rb-tar-" + Guid.NewGuid().ToString("N"));

    public SafeTarExtractorTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Extracts_regular_files_under_the_destination_with_a_filter()
    {
        var tgz = Path.Combine(_dir, "p.tgz");
        TestPackages.Write(tgz, [("package/a.txt", "a"u8.ToArray()), ("package/sub/b.txt", "bb"u8.ToArray())],
            [new PaxTarEntry(TarEntryType.Directory, "./"), new PaxTarEntry(TarEntryType.Directory, "package/empty/")]);
        var dest = Path.Combine(_dir, "out");
        var written = SafeTarExtractor.Extract(tgz, dest, n => n.EndsWith("b.txt", StringComparison.Ordinal));
        Assert.Equal(["package/sub/b.txt"], written);
        Assert.Equal("bb", File.ReadAllText(Path.Combine(dest, "package", "sub", "b.txt")));
        Assert.False(File.Exists(Path.Combine(dest, "package", "a.txt")));
    }

    public static TheoryData<string> UnsafeEntries => ["dotdot", "absolute", "symlink", "hardlink", "dotdot-deep"];

    [Theory]
    [MemberData(nameof(UnsafeEntries))]
    public void Unsafe_entries_refuse_the_whole_archive_before_anything_is_written(string kind)
    {
        var tgz = Path.Combine(_dir, kind + ".tgz");
        var outside = Path.Combine(_dir, "evil.txt");
        TarEntry bad = kind switch
        {
            "dotdot" => new PaxTarEntry(TarEntryType.RegularFile, "package/../../evil.txt") { DataStream = new MemoryStream("x"u8.ToArray()) },
            "dotdot-deep" => new PaxTarEntry(TarEntryType.RegularFile, "package/a/../../../evil.txt") { DataStream = new MemoryStream("x"u8.ToArray()) },
            "absolute" => new PaxTarEntry(TarEntryType.RegularFile, outside) { DataStream = new MemoryStream("x"u8.ToArray()) },
            "symlink" => new PaxTarEntry(TarEntryType.SymbolicLink, "package/link") { LinkName = "/etc/passwd" },
            _ => new PaxTarEntry(TarEntryType.HardLink, "package/hard") { LinkName = "package/a.txt" },
        };
        TestPackages.Write(tgz, [("package/a.txt", Encoding.UTF8.GetBytes("a"))], [bad]);
        var dest = Path.Combine(_dir, "out");
        var e = Assert.Throws<UnsafeArchiveException>(() => SafeTarExtractor.Extract(tgz, dest));
        Assert.Contains("refused", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(outside));
        Assert.False(Directory.Exists(dest) && Directory.EnumerateFileSystemEntries(dest).Any());
    }

    [Fact]
    public void Not_a_gzip_file_is_an_error()
    {
        var path = Path.Combine(_dir, "x.tgz");
        File.WriteAllText(path, "plain text");
        Assert.Throws<InvalidDataException>(() => SafeTarExtractor.Check(path));
    }
}
