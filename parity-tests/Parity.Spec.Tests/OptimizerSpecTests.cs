namespace Parity.Spec.Tests;

/// <summary>The optimizers beyond SGD: their options and torch.optim's defaults, and the mistakes refused with where and how to fix them.</summary>
public class OptimizerSpecTests
{
    static ParitySpec Parse(string optimizer) => SpecLoader.Parse(SpecText.With(optimizer), SpecText.File);

    [Fact]
    public void Left_out_options_take_torch_optims_defaults()
    {
        Assert.Equal("""{"lr":0.001,"betas":[0.9,0.999],"eps":1E-08,"weight_decay":0,"amsgrad":false}""", Parse("optimizer: {adam: {}}").Optimizer.Settings.ToString());
        // AdamW's weight decay defaults to 0.01 in PyTorch, Adam's to 0.
        Assert.Equal("""{"lr":0.001,"betas":[0.9,0.999],"eps":1E-08,"weight_decay":0.01,"amsgrad":false}""", Parse("optimizer: {adamw: {}}").Optimizer.Settings.ToString());
        Assert.Equal("""{"lr":0.01,"alpha":0.99,"eps":1E-08,"weight_decay":0,"momentum":0,"centered":false}""", Parse("optimizer: {rmsprop: {}}").Optimizer.Settings.ToString());
        Assert.Equal("""{"lr":0.01,"lr_decay":0,"weight_decay":0,"eps":1E-10,"initial_accumulator_value":0}""", Parse("optimizer: {adagrad: {}}").Optimizer.Settings.ToString());
    }

    [Fact]
    public void Given_options_reach_the_model_description_in_pytorchs_names()
    {
        var adam = ModelDescriptions.Describe(Parse("optimizer: {adamw: {lr: 0.002, betas: [0.8, 0.95], eps: 1.0e-6, weight_decay: 0.1, amsgrad: true}}")).Optimizer;
        Assert.Equal("adamw", adam.Kind);
        Assert.Equal([0.8, 0.95], adam.Numbers("betas"));
        Assert.Equal((0.002, 1e-6, 0.1, true), (adam.Number("lr"), adam.Number("eps"), adam.Number("weight_decay"), adam.Flag("amsgrad")));
        var rmsprop = ModelDescriptions.Describe(Parse("optimizer: {rmsprop: {lr: 0.1, alpha: 0.9, momentum: 0.5, centered: true}}")).Optimizer;
        Assert.Equal(("rmsprop", 0.9, 0.5, true), (rmsprop.Kind, rmsprop.Number("alpha"), rmsprop.Number("momentum"), rmsprop.Flag("centered")));
        var adagrad = ModelDescriptions.Describe(Parse("optimizer: {adagrad: {lr_decay: 0.1, initial_accumulator_value: 0.5}}")).Optimizer;
        Assert.Equal(("adagrad", 0.1, 0.5), (adagrad.Kind, adagrad.Number("lr_decay"), adagrad.Number("initial_accumulator_value")));
    }

    [Theory]
    [InlineData("optimizer: {adam: {lr: 0.1}, sgd: {lr: 0.1}}", "'optimizer' takes exactly one of sgd, adam, adamw, rmsprop, adagrad", 6, 12)]
    [InlineData("optimizer: {adam: {betas: [0.9]}}", "'optimizer.adam.betas' must be two numbers, each >= 0 and <= 0.999999999, e.g. [0.9, 0.999]", 6, 27)]
    [InlineData("optimizer: {adamw: {betas: [0.9, 1.5]}}", "'optimizer.adamw.betas[1]'", 6, 34)]
    [InlineData("optimizer: {rmsprop: {alpha: 2}}", "'optimizer.rmsprop.alpha'", 6, 30)]
    [InlineData("optimizer: {adagrad: {lr_decay: -1}}", "'optimizer.adagrad.lr_decay'", 6, 33)]
    [InlineData("optimizer: {adam: {beta1: 0.9}}", "unknown key 'beta1' in 'optimizer.adam'", 6, 20)]
    [InlineData("optimizer: {adamw: {lr: 0}}", "'optimizer.adamw.lr'", 6, 25)]
    [InlineData("optimizer: {sgd: {momentum: 0.9}}", "'optimizer.sgd' needs the key 'lr'", 6, 18)]
    public void Mistakes_are_refused_at_their_place(string optimizer, string problem, int line, int column) =>
        SpecText.AssertError(SpecText.With(optimizer), problem, line, column);
}
