using Mono.Cecil;

/// <summary>Rewrites the accessibility flags of one type and its members to public.</summary>
internal static class Accessibility
{
    public static void MakePublic(TypeDefinition type)
    {
        if (type.Name == "<Module>") return;
        type.Attributes = (type.Attributes & ~TypeAttributes.VisibilityMask)
                          | (type.IsNested ? TypeAttributes.NestedPublic : TypeAttributes.Public);
        foreach (var method in type.Methods)
        {
            // Explicit interface implementations stay private: as public methods they would change nothing for C#
            // but could make the compiler report ambiguities.
            if (method.HasOverrides) continue;
            method.Attributes = (method.Attributes & ~MethodAttributes.MemberAccessMask) | MethodAttributes.Public;
        }
        foreach (var field in type.Fields)
        {
            // An event's backing field shares the event's name; making it public would make the name ambiguous.
            if (type.Events.Any(e => e.Name == field.Name)) continue;
            field.Attributes = (field.Attributes & ~FieldAttributes.FieldAccessMask) | FieldAttributes.Public;
        }
    }
}
