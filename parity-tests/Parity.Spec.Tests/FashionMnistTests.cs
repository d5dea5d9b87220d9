using System.IO.Compression;
using Parity.Spec.Data;

namespace Parity.Spec.Tests;

/// <summary>The real Fashion-MNIST as dataset-fashion-mnist installs it (required on this machine).</summary>
public class FashionMnistTests
{
    static string Installed => FashionMnistSource.Folder;

    /// <summary>The label of every training image, read straight from the idx file.</summary>
    static byte[] RawTrainLabels()
    {
        var path = Path.Combine(Installed, "train-labels-idx1-ubyte.gz");
        Assert.True(File.Exists(path), $"{path} is missing; install it with: apt-get install dataset-fashion-mnist");
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray()[8..];
    }

    static Dataset Load(string data) => DatasetLoader.Load(SpecText.ParseWith(data));

    [Theory]
    [InlineData(0, 6)]
    [InlineData(6, 0)]
    public void A_class_subset_is_relabelled_in_the_order_listed(int first, int second)
    {
        var raw = RawTrainLabels();
        var data = Load($"data: {{source: fashion-mnist, train: 300, test: 100, classes: [{first}, {second}]}}");

        var expected = raw.Where(l => l == first || l == second).Take(300).Select(l => l == first ? 0 : 1);
        Assert.Equal(expected, data.Train.Labels!);
        Assert.Equal((300, 100), (data.Train.Rows, data.Test.Rows));
        Assert.All(data.Test.Labels!, l => Assert.InRange(l, 0, 1));
    }

    [Fact]
    public void Pixels_are_784_features_scaled_to_zero_one_and_train_is_a_limit()
    {
        var raw = RawTrainLabels();
        var data = Load("data: {source: fashion-mnist, train: 50, test: 20}\nmodel: [linear: 10]\nloss: cross-entropy");

        Assert.Equal(DataShapes.FashionMnistPixels, data.Train.Features);
        Assert.Equal(50 * 784, data.Train.X.Count);
        Assert.Equal(0.0, data.Train.X.Min());
        Assert.Equal(1.0, data.Train.X.Max());
        Assert.Equal(raw.Take(50).Select(l => (int)l), data.Train.Labels!);
        Assert.Equal(20, data.Test.Rows);
    }

    [Fact]
    public void A_missing_data_set_names_the_package_to_install()
    {
        using var empty = new TempFolder();
        var spec = SpecText.ParseWith("data: {source: fashion-mnist, train: 10, classes: [0, 6]}");
        var before = Environment.GetEnvironmentVariable("PARITY_FASHION_MNIST");
        Environment.SetEnvironmentVariable("PARITY_FASHION_MNIST", empty.Path);
        try
        {
            var error = Assert.Throws<InputException>(() => DatasetLoader.Load(spec));
            Assert.StartsWith(Path.Combine(empty.Path, "train-images-idx3-ubyte.gz"), error.Message);
            Assert.Contains("install it with: apt-get install dataset-fashion-mnist", error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PARITY_FASHION_MNIST", before);
        }
    }
}
