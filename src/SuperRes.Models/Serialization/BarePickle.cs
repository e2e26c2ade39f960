namespace SuperRes.Models.Serialization;

/// <summary>
/// A checkpoint pickle on its own (what a zip's data.pkl holds), run through the unpickler, the allow-list
/// resolver, the state_dict search and the tensor rebuild over zero-filled storages charged to the budget as a
/// loader charges them: the pickle machinery with no container format in front, for the fuzzer and its corpus.
/// </summary>
internal static class BarePickle
{
    public static IReadOnlyDictionary<string, HostTensor> Load(byte[] data, string path)
    {
        var budget = new LoadBudget(path, data.Length);
        object? root = new Unpickler(new MemoryStream(data), path, new TorchPickleResolver(path, budget), 0, budget).Load();
        var (refs, _) = StateDicts.Extract(root, path);
        foreach (var (key, t) in refs) TensorRebuild.Validate(t, path, key);
        var storages = TensorRebuild.StoragesOf(refs).ToDictionary(s => s, s =>
        {
            budget.Allocate(s.DecodedBytes, $"storage '{s.Key}' ({s.Type}[{s.Numel}])");
            return new float[s.Numel];
        });
        return TensorRebuild.MaterializeAll(refs, path, budget, s => storages[s]);
    }
}
