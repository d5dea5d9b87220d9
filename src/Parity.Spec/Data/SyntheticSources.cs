namespace Parity.Spec.Data;

/// <summary>
/// The seed projects' generated tasks. Each split draws from its own named stream of the spec's seed,
/// so changing the test size never changes the training samples.
/// </summary>
public static class SyntheticSources
{
    /// <summary>Radius of the EE-559 disk: the disk covers half the unit square (πr² = 1/2).</summary>
    public static readonly double DiskRadius = 1 / Math.Sqrt(2 * Math.PI);

    /// <summary>Inputs of the quadratic regression are uniform in [-QuadraticRange, QuadraticRange]².</summary>
    public const double QuadraticRange = 2;

    public static DataSplit Generate(DataSource source, long seed, string split, int rows)
    {
        var random = SeededRandom.For(seed, $"data.{split}");
        return source switch
        {
            DataSource.Disk => Disk(split, rows, random),
            DataSource.Xor => Xor(split, rows, random),
            DataSource.Quadratic => Quadratic(split, rows, random),
            _ => throw new ArgumentOutOfRangeException(nameof(source), source, "not a synthetic source"),
        };
    }

    /// <summary>Points uniform in the unit square, labelled 1 inside the disk of centre (0.5, 0.5).</summary>
    static DataSplit Disk(string split, int rows, SeededRandom random)
    {
        var x = new double[rows * 2];
        var labels = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            var (a, b) = (random.NextDouble(), random.NextDouble());
            x[2 * i] = a;
            x[2 * i + 1] = b;
            labels[i] = (a - 0.5) * (a - 0.5) + (b - 0.5) * (b - 0.5) < DiskRadius * DiskRadius ? 1 : 0;
        }
        return new DataSplit(split, rows, 2, x, labels, null, 1);
    }

    /// <summary>The XOR truth table: the four corners of the unit square, repeated in a seeded order.</summary>
    static DataSplit Xor(string split, int rows, SeededRandom random)
    {
        var corners = random.Permutation(rows).Select(i => (A: i % 4 / 2, B: i % 2)).ToArray();
        return new DataSplit(split, rows, 2,
            corners.SelectMany(c => new double[] { c.A, c.B }).ToArray(),
            corners.Select(c => c.A ^ c.B).ToArray(), null, 1);
    }

    /// <summary>z = 5a² + 3b², the regression one seed project got stuck on at a loss of 68.</summary>
    static DataSplit Quadratic(string split, int rows, SeededRandom random)
    {
        var x = new double[rows * 2];
        var z = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            var a = random.Uniform(-QuadraticRange, QuadraticRange);
            var b = random.Uniform(-QuadraticRange, QuadraticRange);
            x[2 * i] = a;
            x[2 * i + 1] = b;
            z[i] = 5 * a * a + 3 * b * b;
        }
        return new DataSplit(split, rows, 2, x, null, z, 1);
    }
}
