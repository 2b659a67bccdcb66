using System.Text;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Pipeline;

public sealed class TextLoaderTests(ITestOutputHelper output) : TestBase(output)
{
    [Fact]
    public void WholeDocumentIsOneRow()
    {
        var ml = new MLContext(1);
        var path = WriteTempFile("line one\nline two\n");
        var view = ml.Data.LoadTextDocument(path);
        Assert.Equal(1, view.GetRowCount());
        Assert.Equal("line one\nline two\n", Assert.Single(ViewReader.Texts(view)));
    }

    [Fact]
    public void LinePerRowStreamsLinesAndSkipsEmptyOnes()
    {
        var ml = new MLContext(1);
        var path = WriteTempFile("emma\r\n\r\nolivia\n  \nava");
        var rows = ViewReader.Texts(ml.Data.LoadTextDocument(path, new TextDocumentOptions { Mode = TextDocumentMode.LinePerRow }));
        Assert.Equal(new[] { "emma", "olivia", "ava" }, rows);
        var all = ViewReader.Texts(ml.Data.LoadTextDocument(path, new TextDocumentOptions { Mode = TextDocumentMode.LinePerRow, SkipEmptyLines = false }));
        Assert.Equal(5, all.Count);
    }

    [Fact]
    public void LoadingIsLazy()
    {
        var ml = new MLContext(1);
        var path = Path.Combine(CreateTempDirectory(), "later.txt");
        var view = ml.Data.LoadTextDocument(path); // file does not exist yet: nothing is read
        File.WriteAllText(path, "written after loading");
        Assert.Equal("written after loading", Assert.Single(ViewReader.Texts(view)));
        var missing = ml.Data.LoadTextDocument(Path.Combine(CreateTempDirectory(), "missing.txt"));
        Assert.Throws<FileNotFoundException>(() => ViewReader.Texts(missing));
    }

    [Fact]
    public void ByteOrderMarkIsSkipped()
    {
        var ml = new MLContext(1);
        var path = WriteTempFile(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'h', (byte)'i' });
        Assert.Equal("hi", Assert.Single(ViewReader.Texts(ml.Data.LoadTextDocument(path))));
    }

    [Theory]
    [InlineData(TextDocumentMode.WholeDocument)]
    [InlineData(TextDocumentMode.LinePerRow)]
    public void InvalidUtf8NamesFileAndByteOffset(TextDocumentMode mode)
    {
        var ml = new MLContext(1);
        var bytes = Encoding.UTF8.GetBytes("héllo\nworld").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes(" end")).ToArray();
        var path = WriteTempFile(bytes, "bad.txt");
        var view = ml.Data.LoadTextDocument(path, new TextDocumentOptions { Mode = mode });
        var ex = Assert.Throws<InvalidTextEncodingException>(() => ViewReader.Texts(view));
        Assert.Equal(12, ex.ByteOffset); // "héllo\nworld" is 12 bytes
        Assert.Contains("bad.txt", ex.Message);
        Assert.Contains("byte offset 12", ex.Message);
        Assert.Contains("UTF-8", ex.Message);
    }

    [Fact]
    public void ReplacingEncodingAcceptsInvalidBytes()
    {
        var ml = new MLContext(1);
        var path = WriteTempFile(new byte[] { (byte)'a', 0xFF, (byte)'b' });
        var text = Assert.Single(ViewReader.Texts(ml.Data.LoadTextDocument(path, new TextDocumentOptions { Encoding = Encoding.UTF8 })));
        Assert.Equal("a\uFFFDb", text);
    }

    [Fact]
    public void SharedCorpusSliceLoads()
    {
        var ml = new MLContext(1);
        var view = ml.Data.LoadTextDocument(DataPath("names.txt"), new TextDocumentOptions { Mode = TextDocumentMode.LinePerRow });
        var first = ViewReader.Texts(ml.Data.TakeRows(view, 3));
        Assert.Equal(new[] { "emma", "olivia", "ava" }, first);
    }
}
