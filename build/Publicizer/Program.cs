using Mono.Cecil;

// Usage: Publicizer <input assembly> <output assembly>
// The output keeps the input's identity (name, version, public key), so code compiled against it binds to the real
// assembly at run time; only accessibility changes. Signatures are not recomputed: the copy is for the compiler only.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Publicizer <input.dll> <output.dll>");
    return 2;
}
var (input, output) = (Path.GetFullPath(args[0]), Path.GetFullPath(args[1]));
var resolver = new DefaultAssemblyResolver();
resolver.AddSearchDirectory(Path.GetDirectoryName(input)!);
using (var assembly = AssemblyDefinition.ReadAssembly(input, new ReaderParameters { AssemblyResolver = resolver }))
{
    foreach (var module in assembly.Modules)
        foreach (var type in module.GetTypes())
            Accessibility.MakePublic(type);
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    // Written beside the target and renamed, so a parallel build never sees a half-written file.
    var temp = $"{output}.{Environment.ProcessId}.tmp";
    assembly.Write(temp);
    File.Move(temp, output, overwrite: true);
}
return 0;
