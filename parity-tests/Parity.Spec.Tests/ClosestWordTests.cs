using Parity.Spec.Yaml;

namespace Parity.Spec.Tests;

/// <summary>The "did you mean" of every unknown key or word.</summary>
public class ClosestWordTests
{
    [Theory]
    [InlineData("optimiser", "name,seed,data,model,loss,optimizer,train", "optimizer")]
    [InlineData("momentun", "lr,momentum,dampening,weight_decay,nesterov", "momentum")]
    [InlineData("reul", "relu,tanh,sigmoid,softmax,identity,leaky-relu,linear", "relu")]
    [InlineData("ReLU", "relu,tanh,sigmoid", "relu")]
    [InlineData("crossentropie", "mse,bce,bce-with-logits,cross-entropy", "cross-entropy")]
    [InlineData("xavier", "torch-default,xavier-uniform,xavier-normal", null)]
    [InlineData("abc", "xyz,relu", null)]
    public void Find_suggests_the_nearest_word_within_a_third_of_its_length(string word, string candidates, string? expected) =>
        Assert.Equal(expected, ClosestWord.Find(word, candidates.Split(',')));

    [Fact]
    public void Hint_lists_the_valid_words_with_or_without_a_suggestion()
    {
        Assert.Equal("did you mean 'relu'? (valid: relu, tanh)", ClosestWord.Hint("rleu", ["relu", "tanh"]));
        Assert.Equal("valid: relu, tanh", ClosestWord.Hint("gelu-approximate", ["relu", "tanh"]));
    }
}
