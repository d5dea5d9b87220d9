namespace Parity.Spec.Tests;

/// <summary>Text that is not a well-formed single YAML mapping: the error names the place and what is wrong.</summary>
public class YamlErrorTests
{
    [Theory]
    [InlineData("name: probe\nseed: [1\n", "not valid YAML: While parsing a flow sequence, did not find expected ',' or ']'", 3, 1)]
    [InlineData("name: probe\nseed: [1", "not valid YAML: While parsing a flow sequence, did not find expected ',' or ']'", 2, 9)]
    [InlineData("name: probe\nseed: 1: 2\n", "not valid YAML: While scanning a plain scalar value, found invalid mapping", 2, 8)]
    [InlineData("name: probe\ndata: {source: disk, train: 10\nseed: 1\n", "not valid YAML: this '{' is not closed before the next line at its indentation; add its '}', or indent the lines that continue it", 2, 7)]
    [InlineData("model:\n  - [linear: 4, relu\n  - linear: 1\n", "not valid YAML: this '[' is not closed before the next line at its indentation; add its ']'", 2, 5)]
    [InlineData("description: see [1 and {2\nname: 'a [b' # [c\ndata: {source: disk, train: 10\nseed: 1\n", "not valid YAML: this '{' is not closed", 3, 7)]
    [InlineData("data: {source: disk,\n  train: 10}\noptimizer: {sgd: {lr: 0.1,\nmomentum: 0.9}}\n", "not valid YAML: this '{' is not closed", 3, 18)]
    [InlineData("name: probe\ndata:\n\tsource: disk\n", "not valid YAML: While scanning a mapping, found invalid tab as indentation", 3, 1)]
    [InlineData("name: probe\noptimizer:\n  sgd:\n  \tlr: 1\n", "found invalid tab as indentation", 4, 3)]
    [InlineData("data:\n  source: disk\n\ttrain: 3\n", "found a tab character that violate indentation", 3, 1)]
    [InlineData("", "the spec is empty; start from one in parity-tests/specs/", 1, 1)]
    [InlineData("# nothing yet\n", "the spec is empty", 1, 1)]
    [InlineData("name: probe\nseed: 1\nname: other\n", "duplicate key 'name' (first at line 1); keep one of them", 3, 1)]
    [InlineData("name: probe\noptimizer:\n  sgd: {lr: 0.1, lr: 0.2}\n", "duplicate key 'lr' (first at line 3)", 3, 18)]
    [InlineData("name: probe\n---\nname: other\n", "a spec file holds one YAML document", 2, 1)]
    [InlineData("name: &n probe\ndescription: *n\n", "anchors and aliases (&x, *x) are not supported in specs", 2, 14)]
    [InlineData("- name: probe\n", "the spec must be a mapping with keys name, description, seed,", 1, 1)]
    [InlineData("[name]: probe\n", "a key must be a plain word, not a list or a mapping", 1, 1)]
    public void Malformed_yaml_is_reported_where_it_is(string yaml, string problem, int line, int column) =>
        SpecText.AssertError(yaml, problem, line, column);

    /// <summary>Reading nested text recursively would overflow the stack (and end the process) long before YamlDotNet objects.</summary>
    [Theory]
    [InlineData(65, true)]
    [InlineData(20_000, true)]
    [InlineData(20_000, false)]
    public void Nesting_far_deeper_than_a_spec_is_refused(int depth, bool closed)
    {
        var yaml = $"name: probe\nseed: {new string('[', depth)}1{(closed ? new string(']', depth) : "")}\n";
        SpecText.AssertError(yaml, "lists and mappings nest more than 64 levels deep here", 2, 70);
    }

    [Fact]
    public void The_message_starts_with_file_line_and_column()
    {
        var error = Assert.Throws<SpecException>(() => SpecText.Parse(SpecText.With("name: Probe")));
        Assert.Equal("spec.yaml:1:7: 'name' is 'Probe'; use lower-case letters, digits and '-' only (it names the report folder)", error.Message);
    }
}
