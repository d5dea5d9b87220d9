using Parity.Spec;

namespace Parity.Harness.Tests;

/// <summary>A small valid spec for verdicts judged on results made up by the test: no engine runs it, so its contents only need to load.</summary>
static class TinySpec
{
    public static readonly ParitySpec Spec = SpecLoader.Parse("""
        name: tiny
        seed: 10
        data: {source: disk, train: 100, test: 20}
        model: [linear: 3, tanh, linear: 1]
        loss: mse
        optimizer: {sgd: {lr: 0.1}}
        train: {epochs: 1, batch: 10}
        """, "tiny.yaml");
}
