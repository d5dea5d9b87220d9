using System.Text.Json.Nodes;

namespace Parity.Torch.Tests;

/// <summary>A layer of a model tree as a test writes it: its kind and options, and for a residual block its layers.</summary>
sealed record Node(string Kind, JsonObject Options, params Node[] Layers)
{
    public Node(string kind) : this(kind, []) { }
}

/// <summary>
/// A model tree written by hand as the contract's flat post-order description (each residual block after its
/// layers, with its Span and every entry's PyTorch Path), with the parameters each kind owns, in state_dict
/// order — independently of the spec loader, which the twin's tests do not lean on.
/// </summary>
static class SequenceModels
{
    public static (List<LayerDescription> Layers, List<ParameterDescription> Parameters) Flatten(IReadOnlyList<Node> model, int[] inputShape)
    {
        var (layers, parameters) = (new List<LayerDescription>(), new List<ParameterDescription>());
        Add(model, "", inputShape, layers, parameters);
        return (layers, parameters);
    }

    /// <summary>The nodes' entries after the ones already listed; returns the last one's output shape.</summary>
    static int[] Add(IReadOnlyList<Node> nodes, string pathPrefix, int[] shape, List<LayerDescription> layers, List<ParameterDescription> parameters)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            var (node, path, input) = (nodes[i], pathPrefix + i, shape);
            var first = layers.Count;
            if (node.Kind == "residual")
                Add(node.Layers, path + ".", input, layers, parameters);
            shape = OutputShape(node, input);
            var layer = new LayerDescription(layers.Count, node.Kind, node.Options, input, shape) { Path = path, Span = layers.Count - first };
            parameters.AddRange(Owned(node).Select(p => new ParameterDescription(layer.Prefix + p.Name, p.Shape, layer.Index)));
            layers.Add(layer);
        }
        return shape;
    }

    static int[] OutputShape(Node node, int[] input) => node.Kind switch
    {
        "embedding" => [.. input, Option(node, "embedding_dim")],
        "linear" => [.. input[..^1], Option(node, "out_features")],
        _ => input,
    };

    static IEnumerable<(string Name, int[] Shape)> Owned(Node node)
    {
        switch (node.Kind)
        {
            case "embedding":
                yield return ("weight", [Option(node, "num_embeddings"), Option(node, "embedding_dim")]);
                break;
            case "position-embedding":
                yield return ("weight", [Option(node, "block_size"), Option(node, "embedding_dim")]);
                break;
            case "layer-norm" when node.Options["elementwise_affine"]?.GetValue<bool>() ?? true:
                int[] normalized = [.. node.Options["normalized_shape"]!.AsArray().Select(d => d!.GetValue<int>())];
                yield return ("weight", normalized);
                yield return ("bias", normalized);
                break;
            case "causal-self-attention":
                var width = Option(node, "embed_dim");
                yield return ("c_attn.weight", [3 * width, width]);
                yield return ("c_attn.bias", [3 * width]);
                yield return ("c_proj.weight", [width, width]);
                yield return ("c_proj.bias", [width]);
                break;
            case "linear":
                yield return ("weight", [Option(node, "out_features"), Option(node, "in_features")]);
                if (node.Options["bias"]?.GetValue<bool>() ?? true)
                    yield return ("bias", [Option(node, "out_features")]);
                break;
        }
    }

    static int Option(Node node, string name) => node.Options[name]!.GetValue<int>();
}
