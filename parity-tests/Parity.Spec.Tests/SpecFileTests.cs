namespace Parity.Spec.Tests;

/// <summary>Loading spec files and folders: the built-in suite, and the mistakes a path can hold.</summary>
public class SpecFileTests
{
    [Fact]
    public void Every_built_in_spec_loads_and_is_named_after_its_file()
    {
        var folder = Path.Combine(Repository.Root, "parity-tests", "specs");
        var files = Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal).ToList();

        var specs = SpecLoader.LoadAll(folder);

        Assert.True(files.Count >= 3, $"expected the built-in suite in {folder}");
        Assert.Equal(files.Select(Path.GetFileNameWithoutExtension), specs.Select(s => s.Name));
        Assert.Equal(files, specs.Select(s => s.SourcePath));
        var disk = specs.Single(s => s.Name == "disk-relu-mse");
        Assert.Equal([2, 25, 25, 25], disk.LinearLayers.Select(l => l.In));
        Assert.Equal(TargetEncoding.OneHot, disk.TargetEncoding);
    }

    [Fact]
    public void A_folder_loads_its_yaml_and_yml_files_in_name_order()
    {
        using var folder = new TempFolder();
        folder.Write("b.yml", SpecText.With("name: second"));
        folder.Write("a.yaml", SpecText.With("name: first"));
        folder.Write("notes.txt", "not a spec");

        Assert.Equal(["first", "second"], SpecLoader.LoadAll(folder.Path).Select(s => s.Name));
    }

    [Fact]
    public void Two_specs_with_one_name_in_a_folder_are_refused()
    {
        using var folder = new TempFolder();
        var first = folder.Write("a.yaml", SpecText.Valid);
        var second = folder.Write("b.yaml", SpecText.Valid);

        var error = Assert.Throws<InputException>(() => SpecLoader.LoadAll(folder.Path));
        Assert.Equal($"{second}: the name 'probe' is also used by {first}; names must be unique, they name the report folders", error.Message);
    }

    [Fact]
    public void A_folder_without_specs_is_refused()
    {
        using var folder = new TempFolder();
        folder.Write("readme.md", "# no specs here");

        var error = Assert.Throws<InputException>(() => SpecLoader.LoadAll(folder.Path));
        Assert.Equal($"{folder.Path}: no spec files (*.yaml) in this folder; pass a spec file or a folder of them", error.Message);
    }

    [Fact]
    public void A_file_that_does_not_exist_is_refused()
    {
        using var folder = new TempFolder();
        var missing = Path.Combine(folder.Path, "missing.yaml");

        var error = Assert.Throws<InputException>(() => SpecLoader.LoadAll(missing));
        Assert.Equal($"{missing}: no such spec file; pass the path of a .yaml spec or of a folder of them", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0xE9 }, 1, 17)]
    [InlineData(new byte[] { (byte)'\n', (byte)'#', (byte)' ', 0xC3, 0xA9, 0xFF }, 2, 4)]
    public void A_byte_that_is_not_utf8_is_refused_where_it_stands(byte[] tail, int line, int column)
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "latin1.yaml");
        // A byte-order mark is not counted; 'é' as UTF-8 (C3 A9) is one column.
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "description: caf"u8, .. tail, (byte)'\n']);

        var error = Assert.Throws<SpecException>(() => SpecLoader.Load(path));
        Assert.Equal(new SourceMark(path, line, column), error.Mark);
        Assert.Equal($"byte 0x{tail[^1]:X2} is not UTF-8 text; save the file as UTF-8", error.Problem);
    }

    [Fact]
    public void Errors_in_a_loaded_file_name_that_file()
    {
        using var folder = new TempFolder();
        var path = folder.Write("bad.yaml", SpecText.With("seed: -1"));

        var error = Assert.Throws<SpecException>(() => SpecLoader.Load(path));
        Assert.Equal($"{path}:2:7: 'seed' is -1; it must be >= 0", error.Message);
    }
}
