using SuperRes.Models.Serialization;

namespace SuperRes.Fuzz;

/// <summary>A bare checkpoint pickle (a zip's data.pkl), run through the unpickler, the allow-list resolver,
/// the state_dict search and the tensor rebuild over zero-filled storages (charged to the budget as a loader
/// does), so no container format stands between the fuzzer and the pickle machinery.</summary>
internal static class PickleTarget
{
    public static void Run(byte[] data)
    {
        const string path = "fuzz.pkl";
        var budget = new LoadBudget(path, data.Length);
        object? root = new Unpickler(new MemoryStream(data), path, new TorchPickleResolver(path, budget), 0, budget).Load();
        var (refs, _) = StateDicts.Extract(root, path);
        foreach (var (key, t) in refs) TensorRebuild.Validate(t, path, key);
        var storages = TensorRebuild.StoragesOf(refs).ToDictionary(s => s, s =>
        {
            budget.Allocate(s.DecodedBytes, $"storage '{s.Key}'");
            return new float[s.Numel];
        });
        TensorRebuild.MaterializeAll(refs, path, budget, s => storages[s]);
    }
}
