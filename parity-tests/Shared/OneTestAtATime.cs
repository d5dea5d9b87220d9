// One test at a time in the test projects whose tests drive TorchSharp twins in their own process
// (each includes this file): a test running beside a twin's call can start a garbage collection that
// frees a scalar the call is reading (see TorchRuntime.Gate). Measured on this project's machine, it
// costs most of these projects 0–4 s each: the twin's calls already take turns, and each side's own
// threads fill both cores. Protocol.Tests, whose tests wait on engine processes, takes 61.5 s instead
// of 39.5 s alone, but the test command, which runs it beside Cli.Tests, did not take longer.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
