namespace SuperRes.Tensors.Tests;

/// <summary>Tests that drive a shared device run one at a time: a device is driven by one thread.</summary>
[CollectionDefinition("devices", DisableParallelization = true)]
public sealed class DeviceCollection;
