using System.Text;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Pipeline;

public sealed class TextLoaderTests(ITestOutputHelper output) : TestBase(output)
{
    [Fact]
    public void WholeDocumentIsOneRow()
    {
        var ml = new SequenceLMContext(1);
        var path = WriteTempFile("line one\nline two\n");
        var view = ml.Data.LoadFromTextFile(path);
        Assert.Equal(1, view.GetRowCount());
        Assert.Equal("line one\nline two\n", Assert.Single(ViewReader.Texts(view)));
    }

    [Fact]
    public void LinePerRowStreamsLinesAndSkipsEmptyOnes()
    {
        var ml = new SequenceLMContext(1);
        var path = WriteTempFile("emma\r\n\r\nolivia\n  \nava");
        var rows = ViewReader.Texts(ml.Data.LoadFromTextFile(path, new TextLoaderOptions { Mode = TextLoaderMode.LinePerRow }));
        Assert.Equal(new[] { "emma", "olivia", "ava" }, rows);
        var all = ViewReader.Texts(ml.Data.LoadFromTextFile(path, new TextLoaderOptions { Mode = TextLoaderMode.LinePerRow, SkipEmptyLines = false }));
        Assert.Equal(5, all.Count);
    }

    [Fact]
    public void LoadingIsLazy()
    {
        var ml = new SequenceLMContext(1);
        var path = Path.Combine(CreateTempDirectory(), "later.txt");
        var view = ml.Data.LoadFromTextFile(path); // file does not exist yet: nothing is read
        File.WriteAllText(path, "written after loading");
        Assert.Equal("written after loading", Assert.Single(ViewReader.Texts(view)));
        var missing = ml.Data.LoadFromTextFile(Path.Combine(CreateTempDirectory(), "missing.txt"));
        Assert.Throws<FileNotFoundException>(() => ViewReader.Texts(missing));
    }

    [Fact]
    public void ByteOrderMarkIsSkipped()
    {
        var ml = new SequenceLMContext(1);
        var path = WriteTempFile(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'h', (byte)'i' });
        Assert.Equal("hi", Assert.Single(ViewReader.Texts(ml.Data.LoadFromTextFile(path))));
    }

    [Theory]
    [InlineData(TextLoaderMode.WholeDocument)]
    [InlineData(TextLoaderMode.LinePerRow)]
    public void InvalidUtf8NamesFileAndByteOffset(TextLoaderMode mode)
    {
        var ml = new SequenceLMContext(1);
        var bytes = Encoding.UTF8.GetBytes("héllo\nworld").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes(" end")).ToArray();
        var path = WriteTempFile(bytes, "bad.txt");
        var view = ml.Data.LoadFromTextFile(path, new TextLoaderOptions { Mode = mode });
        var ex = Assert.Throws<InvalidTextEncodingException>(() => ViewReader.Texts(view));
        Assert.Equal(12, ex.ByteOffset); // "héllo\nworld" is 12 bytes
        Assert.Contains("bad.txt", ex.Message);
        Assert.Contains("byte offset 12", ex.Message);
        Assert.Contains("UTF-8", ex.Message);
    }

    [Fact]
    public void ReplacingEncodingAcceptsInvalidBytes()
    {
        var ml = new SequenceLMContext(1);
        var path = WriteTempFile(new byte[] { (byte)'a', 0xFF, (byte)'b' });
        var text = Assert.Single(ViewReader.Texts(ml.Data.LoadFromTextFile(path, new TextLoaderOptions { Encoding = Encoding.UTF8 })));
        Assert.Equal("a\uFFFDb", text);
    }

    [Fact]
    public void SharedCorpusSliceLoads()
    {
        var ml = new SequenceLMContext(1);
        var view = ml.Data.LoadFromTextFile(DataPath("names.txt"), new TextLoaderOptions { Mode = TextLoaderMode.LinePerRow });
        var first = ViewReader.Texts(ml.Data.TakeRows(view, 3));
        Assert.Equal(new[] { "emma", "olivia", "ava" }, first);
    }
}
