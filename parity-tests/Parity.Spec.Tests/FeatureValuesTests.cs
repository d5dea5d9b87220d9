using Parity.Spec.Data;
using Xunit;

namespace Parity.Spec.Tests;

/// <summary>Features stored as bytes read as the float64 a division when loading would have stored, row by row and when rows are selected.</summary>
public class FeatureValuesTests
{
    static readonly byte[] Pixels = [0, 1, 2, 127, 128, 254, 255, 51, 17];

    [Fact]
    public void ScaledBytesReadAsTheirDivision()
    {
        var values = new ScaledBytes(Pixels, 255.0);
        Assert.Equal(Pixels.Select(p => p / 255.0), values);
        var row = new double[3];
        values.CopyRow(1, 3, row);
        Assert.Equal([127 / 255.0, 128 / 255.0, 254 / 255.0], row);
    }

    [Fact]
    public void SelectedRowsKeepTheirValuesAndOrder()
    {
        int[] rows = [2, 0];
        var bytes = new ScaledBytes(Pixels, 255.0).Rows(rows, 3);
        var doubles = ((FeatureValues)Pixels.Select(p => p / 255.0).ToArray()).Rows(rows, 3);
        Assert.IsType<ScaledBytes>(bytes);
        Assert.Equal([255 / 255.0, 51 / 255.0, 17 / 255.0, 0, 1 / 255.0, 2 / 255.0], bytes);
        Assert.Equal(doubles, bytes);
    }
}
