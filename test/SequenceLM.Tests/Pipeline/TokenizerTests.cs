using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Pipeline;

public sealed class TokenizerTests(ITestOutputHelper output) : TestBase(output)
{
    private static string[] Chars(string text, CharTokenizerOptions? options = null) =>
        new CharTokenizingTransformer(options: options).Tokenize(text.AsMemory()).Select(t => t.ToString()).ToArray();

    private static string[] Words(string text, WordTokenizerOptions? options = null) =>
        new WordTokenizingTransformer(options: options).Tokenize(text.AsMemory()).Select(t => t.ToString()).ToArray();

    [Fact]
    public void CharsKeepEverythingAndNormaliseLineBreaks()
    {
        Assert.Equal(new[] { "a", "B", " ", "\n", "c", "\n", "d" }, Chars("aB \r\nc\rd"));
        Assert.Equal(new[] { "a", "b", " ", "c" }, Chars("aB\nc", new() { LowerCase = true, Newlines = NewlineHandling.ToSpace }).Take(4).ToArray());
        Assert.Equal(new[] { "a", "b", "c" }, Chars("ab\r\nc", new() { Newlines = NewlineHandling.Remove }));
    }

    [Fact]
    public void CharsKeepSurrogatePairsTogether()
    {
        var tokens = Chars("a😀b");
        Assert.Equal(new[] { "a", "😀", "b" }, tokens);
    }

    [Fact]
    public void LettersOnlyCollapsesOtherRunsToOneSpace()
    {
        Assert.Equal("the time machine by h g wells", string.Concat(Chars("The Time Machine, by H. G. Wells\r\n", CharTokenizerOptions.D2lLettersOnly())));
        Assert.Equal("ab\ncd", string.Concat(Chars("ab, \n, cd", new() { CharacterClass = CharacterClass.LettersOnly })));
        Assert.Equal("it's 42 ok", string.Concat(Chars("it's  42 $ ok", new() { CharacterClass = CharacterClass.LettersDigitsPunctuation })));
    }

    [Fact]
    public void D2lPreprocessingOfTimeMachineGives28Tokens()
    {
        var ml = new MLContext(1);
        var text = ml.Data.LoadTextDocument(DataPath("timemachine.txt"));
        var model = ml.Transforms.TokenizeChars(options: CharTokenizerOptions.D2lLettersOnly()).Append(ml.Transforms.MapTokensToKeys()).Fit(text);
        var vocab = model.LastTransformer.Vocabulary;
        Output.WriteLine(string.Join("|", vocab.Tokens.Take(10)));
        Assert.Equal(28, vocab.Count); // 26 letters + space + <unk>, as d2l
        Assert.Equal(Vocabulary.UnknownToken, vocab[0]);
        Assert.Equal(" ", vocab[1]); // space is the most frequent, then 'e'
        Assert.Equal("e", vocab[2]);
        Assert.True(vocab.IsCharacterLevel);
    }

    [Fact]
    public void CharTokensAreSlicesNotStrings()
    {
        string doc = ReadDataSlice("anna.txt", 20_000).Replace("\r\n", "\n");
        var tokens = new CharTokenizingTransformer().Tokenize(doc.AsMemory());
        Assert.Equal(doc.Length, tokens.Length);
        foreach (var t in tokens.Take(1000))
        {
            Assert.True(MemoryMarshal.TryGetString(t, out string? owner, out _, out _));
            Assert.Same(doc, owner); // every token points into the document: no string per character
        }
    }

    [Fact]
    public void CharTokenizerOnWholeAnnaKareninaIsCompact()
    {
        var ml = new MLContext(1);
        var view = ml.Transforms.TokenizeChars().Fit(ml.Data.LoadTextDocument(DataPath("anna.txt"))).Transform(ml.Data.LoadTextDocument(DataPath("anna.txt")));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var rows = ViewReader.Column<VBuffer<ReadOnlyMemory<char>>>(view, "Tokens");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        int n = Assert.Single(rows).Length;
        Output.WriteLine($"{n} tokens, {allocated / 1e6:F1} MB allocated");
        Assert.True(n > 1_900_000);
        Assert.True(allocated < 24L * n + 16_000_000, $"allocated {allocated} bytes for {n} tokens"); // ~16 B per token + the text
    }

    [Fact]
    public void WordsSplitOnWhitespaceAndKeepAngleTokens()
    {
        Assert.Equal(new[] { "The", "<unk>", "cat's", "end." }, Words(" The  <unk>\tcat's\nend. "));
        Assert.Equal(new[] { "the", "<UNK>", "end." }, Words("The <UNK> END.", new() { LowerCase = true }));
    }

    [Fact]
    public void WordsSplitOrRemovePunctuation()
    {
        Assert.Equal(new[] { "Hello", ",", "world", "!", "don't", "well-known", "<unk>" },
            Words("Hello, world! don't well-known <unk>", new() { Punctuation = PunctuationHandling.Split }));
        Assert.Equal(new[] { "Hello", "world", "don't" }, Words("Hello, world! don't", new() { Punctuation = PunctuationHandling.Remove }));
    }

    [Fact]
    public void WordsAppendEndOfLineTokenPtbStyle()
    {
        Assert.Equal(new[] { "a", "b", "<eos>", "c", "<eos>" }, Words(" a b \r\n c \n", WordTokenizerOptions.Ptb()));
        Assert.Equal(new[] { "a", "<eos>" }, Words("a", WordTokenizerOptions.Ptb()));
    }

    [Fact]
    public void WordsSplitOnRegex()
    {
        Assert.Equal(new[] { "a", "b c", "d" }, Words("a,b c;;d", new() { Separator = WordSeparator.Regex, Pattern = "[,;]+" }));
        var ex = Assert.Throws<ArgumentException>(() => new WordTokenizingTransformer(options: new() { Separator = WordSeparator.Regex, Pattern = "([" }));
        Assert.Contains("Pattern", ex.Message);
    }

    [Fact]
    public void PtbSliceTokenizesWithEos()
    {
        var ml = new MLContext(1);
        var path = WriteTempFile(ReadDataSlice("ptb.valid.txt", 2000));
        var data = ml.Data.LoadTextDocument(path, new TextDocumentOptions { Mode = TextDocumentMode.LinePerRow });
        var tokens = ViewReader.Tokens(ml.Transforms.TokenizeWords(options: WordTokenizerOptions.Ptb()).Fit(data).Transform(data));
        Assert.All(tokens, row => Assert.Equal("<eos>", row[^1]));
        Assert.Contains("<unk>", tokens.SelectMany(t => t));
        Assert.Equal(new[] { "consumers", "may", "want" }, tokens[0].Take(3));
    }

    [Fact]
    public void TokenizerOutputSchemaIsAnnotatedTextVector()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "ab" } });
        var schema = ml.Transforms.TokenizeChars().Fit(data).GetOutputSchema(data.Schema);
        Assert.Equal(new VectorDataViewType(TextDataViewType.Instance), schema["Tokens"].Type);
        Assert.True(schema["Tokens"].GetIsCharacterLevel());
        Assert.False(ml.Transforms.TokenizeWords().Fit(data).GetOutputSchema(data.Schema)["Tokens"].GetIsCharacterLevel());
    }

    [Fact]
    public void TokenizerRejectsMissingOrMistypedColumn()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new { Body = "x", Count = 3 } }.Select(a => new Body { Content = a.Body, Count = a.Count }));
        var ex = Assert.Throws<SchemaMismatchException>(() => ml.Transforms.TokenizeChars().Fit(data));
        Assert.Contains("'Text'", ex.Message);
        Assert.Contains("expected type Text", ex.Message);
        Assert.Contains("Content: String", ex.Message);
        Assert.Contains("Count: Int32", ex.Message);
        var wrong = Assert.Throws<SchemaMismatchException>(() => ml.Transforms.TokenizeChars(inputColumnName: "Count").Fit(data));
        Assert.Contains("'Count' has type Int32", wrong.Message);
        Assert.Contains("Text is expected", wrong.Message);
    }

    public sealed class Body
    {
        public string Content { get; set; } = "";
        public int Count { get; set; }
    }
}
