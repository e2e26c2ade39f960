namespace SuperRes.Models.Tests.Zoo;

/// <summary>
/// The network tests share devices and build large networks: they run one at a time (and not beside each
/// other's memory peaks).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetworkCollection
{
    public const string Name = "networks";
}
