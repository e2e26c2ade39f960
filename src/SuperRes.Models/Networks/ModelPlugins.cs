using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace SuperRes.Models.Networks;

/// <summary>
/// A set of networks to add to the registry, found by <see cref="ModelPlugins.Load"/> in a plugin assembly:
/// a public class with a parameterless constructor implementing this interface.
/// </summary>
public interface IModelPlugin
{
    /// <summary>The networks the plugin adds (each registered with <see cref="ModelZoo.Register"/>).</summary>
    IEnumerable<ZooEntry> Networks { get; }
}

/// <summary>Registers networks from plugins: an <see cref="IModelPlugin"/> object, or an assembly file (<c>--plugin</c>).</summary>
public static class ModelPlugins
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<Assembly> Loaded = [];

    /// <summary>Registers every network of <paramref name="plugin"/>; returns them.</summary>
    public static IReadOnlyList<ZooEntry> Register(IModelPlugin plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        var entries = plugin.Networks.ToList();
        foreach (var entry in entries)
            ModelZoo.Register(entry);
        return entries;
    }

    /// <summary>
    /// Loads the assembly at <paramref name="path"/> and registers the networks of each public
    /// <see cref="IModelPlugin"/> class in it (an assembly already loaded registers nothing again). Returns the
    /// networks it registered. Fails with a message naming the file when it cannot be loaded, holds no plugin,
    /// or a plugin fails, and in a build compiled ahead of time (the published superres), which cannot load assemblies.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = LoadsOnlyWithJit)]
    public static IReadOnlyList<ZooEntry> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new SuperResException($"plugin {path}: no such file");
        if (!RuntimeFeature.IsDynamicCodeSupported)
            throw new SuperResException($"plugin {path}: this superres is compiled ahead of time (the published native build) and cannot load " +
                                        "a .NET assembly; run the command with `dotnet run -c Release --project src/SuperRes.Cli -- ...` " +
                                        "or from a build published with -p:PublishAot=false");
        Assembly assembly;
        try
        {
            assembly = Assembly.LoadFrom(Path.GetFullPath(path));
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or IOException)
        {
            throw new SuperResException($"plugin {path}: not a loadable .NET assembly ({ex.Message})", ex);
        }
        lock (Gate)
        {
            if (!Loaded.Add(assembly))
                return [];
            try
            {
                return RegisterAll(assembly, path);
            }
            catch
            {
                Loaded.Remove(assembly);
                throw;
            }
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = LoadsOnlyWithJit)]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = LoadsOnlyWithJit)]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = LoadsOnlyWithJit)]
    private static List<ZooEntry> RegisterAll(Assembly assembly, string path)
    {
        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception ex) when (ex is ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
        {
            throw new SuperResException($"plugin {path}: its types cannot be loaded ({ex.Message})", ex);
        }
        var plugins = types
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IModelPlugin).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
        if (plugins.Count == 0)
            throw new SuperResException($"plugin {path}: no public class implements {nameof(IModelPlugin)}");
        var registered = new List<ZooEntry>();
        foreach (var type in plugins)
        {
            if (type.GetConstructor(Type.EmptyTypes) is null)
                throw new SuperResException($"plugin {path}: {type.FullName} needs a public parameterless constructor");
            try
            {
                registered.AddRange(Register((IModelPlugin)Activator.CreateInstance(type)!));
            }
            catch (SuperResException ex)
            {
                throw new SuperResException($"plugin {path}: {type.FullName}: {ex.Message}", ex);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw new SuperResException($"plugin {path}: {type.FullName} failed to start: {ex.InnerException.Message}", ex.InnerException);
            }
        }
        return registered;
    }

    private const string LoadsOnlyWithJit = "plugins load only under the JIT, where nothing is trimmed; Load refuses them in a native build";
}
