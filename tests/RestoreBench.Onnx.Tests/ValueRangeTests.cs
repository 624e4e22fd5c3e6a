namespace RestoreBench.Onnx.Tests;

public class ValueRangeTests
{
    [Theory]
    [InlineData("0-255", 0, 255)]
    [InlineData("0-1", 0, 1)]
    [InlineData("-1-1", -1, 1)]
    [InlineData("-1..1", -1, 1)]
    [InlineData(" 0.5-2 ", 0.5, 2)]
    public void Parses(string text, double min, double max) => Assert.Equal(new ValueRange(min, max), ValueRange.Parse(text));

    [Theory]
    [InlineData("255")]
    [InlineData("1-0")]
    [InlineData("a-b")]
    [InlineData("")]
    public void Rejects(string text) => Assert.Throws<FormatException>(() => ValueRange.Parse(text));

    [Fact]
    public void Prints_round_trippable_text()
    {
        Assert.Equal("0-255", ValueRange.Byte.ToString());
        Assert.Equal("-1-1", ValueRange.Symmetric.ToString());
        Assert.Equal(ValueRange.Unit, ValueRange.Parse(ValueRange.Unit.ToString()));
    }
}
