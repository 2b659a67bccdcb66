using System.Collections.Concurrent;
using System.Reflection;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// The registry of transformer loaders used by <see cref="ModelOperationsCatalog.Load(string, out DataViewSchema)"/>:
/// loader id → function recreating a transformer from its saved entries. Built-in transforms are registered
/// through <see cref="TransformerLoaderAttribute"/>; user transforms register themselves with <see cref="Register"/>
/// (or the attribute, in an assembly that is loaded before the model).
/// </summary>
public static class TransformerLoaders
{
    private static readonly ConcurrentDictionary<string, Func<ModelLoadContext, ITransformer>> Loaders = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<Assembly, bool> Scanned = new();

    /// <summary>Registers (or replaces) the loader for <paramref name="loaderId"/>.</summary>
    public static void Register(string loaderId, Func<ModelLoadContext, ITransformer> loader)
    {
        CheckId(loaderId);
        ArgumentNullException.ThrowIfNull(loader);
        Loaders[loaderId] = loader;
    }

    /// <summary>True when a loader is registered (or discoverable) for <paramref name="loaderId"/>.</summary>
    public static bool IsRegistered(string loaderId) => TryGet(loaderId, out _);

    /// <summary>The registered loader ids.</summary>
    public static IReadOnlyCollection<string> RegisteredIds
    {
        get { ScanAll(); return Loaders.Keys.ToArray(); }
    }

    internal static bool TryGet(string loaderId, out Func<ModelLoadContext, ITransformer> loader)
    {
        Scan(typeof(TransformerLoaders).Assembly);
        if (Loaders.TryGetValue(loaderId, out loader!)) return true;
        ScanAll();
        return Loaders.TryGetValue(loaderId, out loader!);
    }

    internal static void CheckId(string loaderId)
    {
        ArgumentException.ThrowIfNullOrEmpty(loaderId);
        if (loaderId.Length > 64 || !loaderId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException($"Loader id '{loaderId}' must be 1-64 characters of ASCII letters, digits, '-', '_' or '.'.", nameof(loaderId));
    }

    private static void ScanAll()
    {
        string self = typeof(TransformerLoaders).Assembly.GetName().Name!;
        foreach (var a in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (a.IsDynamic || Scanned.ContainsKey(a)) continue;
            if (a == typeof(TransformerLoaders).Assembly || a.GetReferencedAssemblies().Any(r => r.Name == self)) Scan(a);
            else Scanned[a] = true;
        }
    }

    private static void Scan(Assembly assembly)
    {
        if (!Scanned.TryAdd(assembly, true)) return;
        Type?[] types;
        try { types = assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { types = e.Types; }
        foreach (var t in types)
        {
            var attr = t?.GetCustomAttribute<TransformerLoaderAttribute>();
            if (t == null || attr == null) continue;
            var method = t.GetMethod("Load", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, new[] { typeof(ModelLoadContext) });
            if (method == null || !typeof(ITransformer).IsAssignableFrom(method.ReturnType))
                throw new InvalidOperationException($"{t.FullName} has [TransformerLoader(\"{attr.LoaderId}\")] but no static method Load(ModelLoadContext) returning a transformer.");
            var load = (Func<ModelLoadContext, ITransformer>)(ctx =>
            {
                try { return (ITransformer)method.Invoke(null, new object[] { ctx })!; }
                catch (TargetInvocationException e) when (e.InnerException != null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                    throw;
                }
            });
            Loaders.TryAdd(attr.LoaderId, load);
        }
    }
}
