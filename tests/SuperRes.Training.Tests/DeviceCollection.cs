namespace SuperRes.Training.Tests;

/// <summary>Tests that drive the shared OpenCL device run one at a time (Cpu tests make their own devices and run in parallel).</summary>
[CollectionDefinition("devices", DisableParallelization = true)]
public sealed class DeviceCollection;
