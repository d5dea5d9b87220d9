using Parity.Spec.Data;

namespace Parity.Spec.Tests;

/// <summary>The token data sources: minGPT's sort task and a character-level language model over a text file.</summary>
public class SequenceSourceTests
{
    static DataSpec Sort(int length = 6, int digits = 3) =>
        new(DataSource.Sort, 300, 100, 0, null, null, null) { Length = length, Digits = digits };

    [Fact]
    public void A_sort_sample_is_its_digits_then_sorted_with_the_first_targets_ignored()
    {
        var split = SortSource.Generate(Sort(), 7, "train", 300);
        Assert.Equal((11, 11), (split.Features, split.TargetWidth));
        Assert.Equal(300 * 11, split.Labels!.Length);
        for (var row = 0; row < split.Rows; row++)
        {
            var x = Enumerable.Range(0, 11).Select(t => (int)split.X[row * 11 + t]).ToArray();
            var y = split.Labels.AsSpan(row * 11, 11).ToArray();
            Assert.All(x, id => Assert.InRange(id, 0, 2));
            // y is x moved on by one; the 5 positions still inside the unsorted input score nothing.
            Assert.All(y[..5], label => Assert.Equal(Contract.Batch.IgnoredTarget, label));
            Assert.Equal(x[6..], y[5..10]);
            Assert.Equal(x[..6].Order(), [x[6], x[7], x[8], x[9], x[10], y[10]]);
        }
    }

    [Fact]
    public void Sort_prefers_inputs_with_repeats_as_mingpt_does()
    {
        var split = SortSource.Generate(Sort(length: 8, digits: 10), 7, "train", 300);
        // Uniform draws of 8 digits below 10 have more than 4 distinct ones 92 % of the time; half of those are redrawn.
        var many = Enumerable.Range(0, split.Rows).Count(row => Enumerable.Range(0, 8).Select(t => split.X[row * 15 + t]).Distinct().Count() > 4);
        Assert.InRange(many / 300.0, 0.7, 0.9);
    }

    [Fact]
    public void No_test_input_is_a_training_input()
    {
        static string Input(DataSplit split, int row) => string.Join(",", Enumerable.Range(0, 6).Select(t => split.X[row * 11 + t]));
        var train = SortSource.Generate(Sort(), 7, "train", 300);
        var test = SortSource.Generate(Sort(), 7, "test", 100);
        var trained = Enumerable.Range(0, train.Rows).Select(row => Input(train, row)).ToHashSet();
        Assert.DoesNotContain(Enumerable.Range(0, test.Rows).Select(row => Input(test, row)), trained.Contains);
        // 729 inputs, 300 draws: the split by input, not by draw, is what keeps them apart.
        Assert.True(trained.Count > 100);
    }

    [Fact]
    public void Sort_data_is_fixed_by_the_seed()
    {
        var data = Sort();
        Assert.Equal(SortSource.Generate(data, 7, "train", 50).X, SortSource.Generate(data, 7, "train", 50).X);
        Assert.Equal(SortSource.Generate(data, 7, "train", 50).Labels, SortSource.Generate(data, 7, "train", 50).Labels);
        Assert.NotEqual(SortSource.Generate(data, 7, "train", 50).X, SortSource.Generate(data, 8, "train", 50).X);
    }

    /// <summary>90 training characters of a, b, c and é, then 10 test digits: each split's windows come from its own part.</summary>
    static string Corpus => string.Concat(Enumerable.Range(0, 90).Select(i => "abcé"[i % 4])) + "0123456789";

    [Fact]
    public void Text_vocabulary_is_the_file_characters_in_ordinal_order()
    {
        using var folder = new TempFolder();
        var tokens = TextSource.Of(folder.Write("corpus.txt", Corpus));
        Assert.Equal("0123456789abcé", string.Concat(tokens.Vocabulary.Select(char.ConvertFromUtf32)));
        Assert.Equal(100, tokens.Ids.Length);
        Assert.Equal(90, tokens.TestStart);
    }

    [Fact]
    public void A_text_window_targets_the_window_moved_on_by_one_within_its_part()
    {
        using var folder = new TempFolder();
        var data = new DataSpec(DataSource.Text, 40, 10, 0, null, folder.Write("corpus.txt", Corpus), null) { Block = 4 };
        var train = TextSource.Generate(data, 7, "train", 40);
        var test = TextSource.Generate(data, 7, "test", 10);
        foreach (var split in new[] { train, test })
        {
            Assert.Equal((4, 4), (split.Features, split.TargetWidth));
            for (var row = 0; row < split.Rows; row++)
                for (var t = 0; t < 3; t++)
                    Assert.Equal((int)split.X[row * 4 + t + 1], split.Labels![row * 4 + t]);
        }
        // ids 0..9 are the digits, the test part's; 10..13 the letters, train's.
        Assert.All(train.X, id => Assert.InRange(id, 10, 13));
        Assert.All(train.Labels!, id => Assert.InRange(id, 10, 13));
        Assert.All(test.X, id => Assert.InRange(id, 0, 9));
        Assert.All(test.Labels!, id => Assert.InRange(id, 0, 9));
        Assert.Equal(train.X, TextSource.Generate(data, 7, "train", 40).X);
    }

    [Fact]
    public void A_text_spec_reads_its_vocabulary_and_refuses_a_block_longer_than_the_test_part()
    {
        using var folder = new TempFolder();
        folder.Write("corpus.txt", Corpus);
        string Spec(int block) => $$$"""
            name: chars
            seed: 1
            data: {source: text, path: corpus.txt, block: {{{block}}}, train: 20, test: 5}
            model: [embedding: {vocab: 14, dim: 8}, linear: 14]
            loss: cross-entropy
            optimizer: {sgd: {lr: 0.1}}
            train: {epochs: 1, batch: 5}

            """;
        var spec = SpecLoader.Parse(Spec(4), Path.Combine(folder.Path, "chars.yaml"));
        Assert.Equal((4, 14, 14), (spec.Shape.Features, spec.Shape.Classes, spec.Shape.Vocabulary));
        Assert.Equal(AccuracyRule.PerToken, spec.Accuracy);
        var error = Assert.Throws<SpecException>(() => SpecLoader.Parse(Spec(10), Path.Combine(folder.Path, "chars.yaml")));
        Assert.Contains("'data.block' 10 needs block + 1 characters in each part of", error.Problem);
        Assert.Contains("its test part (the last 10 %) has 10; lower block to 9", error.Problem);
    }

    [Fact]
    public void The_default_text_is_the_debian_word_list()
    {
        var vocabulary = TextSource.Of(TextSource.DefaultPath).Vocabulary.Length;
        var spec = SpecText.ParseWith($"data: {{source: text, block: 8, train: 4, test: 2}}\nmodel: [embedding: {{vocab: {vocabulary}, dim: 4}}, linear: {vocabulary}]\nloss: cross-entropy");
        Assert.Equal(TextSource.DefaultPath, spec.Data.Path);
        Assert.Equal(vocabulary, spec.Shape.Classes);
    }
}
