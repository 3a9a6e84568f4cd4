using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace BiasSim.Core.Tests.Architecture;

/// <summary>One reference from a type of the core to another: both named Folder.Type (nested types by their outermost type).</summary>
public sealed record TypeReferenceEdge(string From, string To)
{
    public string FromFolder => From[..From.IndexOf('.', StringComparison.Ordinal)];
    public string ToFolder => To[..To.IndexOf('.', StringComparison.Ordinal)];
    public override string ToString() => $"{From} -> {To}";
}

/// <summary>
/// Which type of BiasSim.Core references which, read from the compiled assembly with System.Reflection.Metadata (part of
/// the runtime, so no package): base types, interfaces, field, method, property and local signatures, attributes, and every
/// type, method and field token in the method bodies. A call made only inside a lambda or an iterator counts too, since the
/// compiler's closure types are nested in the type that wrote them. Constants are the one thing IL cannot show (the compiler
/// copies their values), which is why <see cref="LayerTests"/> also reads the sources.
/// </summary>
public static class CoreReferenceGraph
{
    private const string Root = "BiasSim.Core.";

    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes).GetFields()
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    public static ImmutableArray<TypeReferenceEdge> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        var provider = new DefinitionCollector(md);
        var edges = new HashSet<TypeReferenceEdge>();
        foreach (TypeDefinitionHandle handle in md.TypeDefinitions)
        {
            string? from = Name(md, handle);
            if (from is null) continue;
            var found = new HashSet<TypeDefinitionHandle>();
            CollectType(md, pe, provider, md.GetTypeDefinition(handle), found);
            foreach (TypeDefinitionHandle target in found)
            {
                if (Name(md, target) is string to && to != from) edges.Add(new TypeReferenceEdge(from, to));
            }
        }
        return [.. edges.OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal)];
    }

    /// <summary>Folder.Type of the outermost type enclosing <paramref name="handle"/>, or null outside BiasSim.Core.X (compiler helpers).</summary>
    private static string? Name(MetadataReader md, TypeDefinitionHandle handle)
    {
        TypeDefinition type = md.GetTypeDefinition(handle);
        while (type.GetDeclaringType() is { IsNil: false } outer)
        {
            handle = outer;
            type = md.GetTypeDefinition(outer);
        }
        string ns = md.GetString(type.Namespace);
        if (!ns.StartsWith(Root, StringComparison.Ordinal)) return null;
        string folder = ns[Root.Length..].Split('.')[0];
        return $"{folder}.{md.GetString(type.Name)}";
    }

    private static void CollectType(MetadataReader md, PEReader pe, DefinitionCollector p, TypeDefinition type, HashSet<TypeDefinitionHandle> found)
    {
        if (!type.BaseType.IsNil) Collect(md, p, type.BaseType, found);
        foreach (InterfaceImplementationHandle i in type.GetInterfaceImplementations()) Collect(md, p, md.GetInterfaceImplementation(i).Interface, found);
        CollectAttributes(md, p, type.GetCustomAttributes(), found);
        foreach (GenericParameterHandle g in type.GetGenericParameters()) CollectConstraints(md, p, g, found);
        foreach (FieldDefinitionHandle f in type.GetFields())
        {
            FieldDefinition field = md.GetFieldDefinition(f);
            found.UnionWith(field.DecodeSignature(p, null));
            CollectAttributes(md, p, field.GetCustomAttributes(), found);
        }
        foreach (PropertyDefinitionHandle h in type.GetProperties())
        {
            MethodSignature<ImmutableArray<TypeDefinitionHandle>> s = md.GetPropertyDefinition(h).DecodeSignature(p, null);
            AddSignature(s, found);
        }
        foreach (MethodDefinitionHandle m in type.GetMethods())
        {
            MethodDefinition method = md.GetMethodDefinition(m);
            AddSignature(method.DecodeSignature(p, null), found);
            CollectAttributes(md, p, method.GetCustomAttributes(), found);
            foreach (GenericParameterHandle g in method.GetGenericParameters()) CollectConstraints(md, p, g, found);
            if (method.RelativeVirtualAddress != 0) CollectBody(md, p, pe.GetMethodBody(method.RelativeVirtualAddress), found);
        }
    }

    private static void CollectBody(MetadataReader md, DefinitionCollector p, MethodBodyBlock body, HashSet<TypeDefinitionHandle> found)
    {
        if (!body.LocalSignature.IsNil)
        {
            foreach (var local in md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(p, null)) found.UnionWith(local);
        }
        foreach (ExceptionRegion region in body.ExceptionRegions)
        {
            if (!region.CatchType.IsNil) Collect(md, p, region.CatchType, found);
        }
        BlobReader il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            int code = il.ReadByte();
            if (code == 0xFE) code = unchecked((short)(0xFE00 | il.ReadByte()));
            switch (Operands[(short)code])
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType or OperandType.InlineSig:
                    Collect(md, p, MetadataTokens.EntityHandle(il.ReadInt32()), found);
                    break;
                case OperandType.InlineSwitch:
                    int targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.InlineString or OperandType.ShortInlineR:
                    il.Offset += 4;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
            }
        }
    }

    private static void Collect(MetadataReader md, DefinitionCollector p, EntityHandle handle, HashSet<TypeDefinitionHandle> found)
    {
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                found.Add((TypeDefinitionHandle)handle);
                break;
            case HandleKind.TypeSpecification:
                found.UnionWith(md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(p, null));
                break;
            case HandleKind.MethodDefinition:
                found.Add(md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.FieldDefinition:
                found.Add(md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.MemberReference:
                MemberReference member = md.GetMemberReference((MemberReferenceHandle)handle);
                Collect(md, p, member.Parent, found);
                if (member.GetKind() == MemberReferenceKind.Method) AddSignature(member.DecodeMethodSignature(p, null), found);
                else found.UnionWith(member.DecodeFieldSignature(p, null));
                break;
            case HandleKind.MethodSpecification:
                MethodSpecification spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                Collect(md, p, spec.Method, found);
                foreach (var argument in spec.DecodeSignature(p, null)) found.UnionWith(argument);
                break;
            case HandleKind.StandaloneSignature:
                StandaloneSignature signature = md.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                if (signature.GetKind() == StandaloneSignatureKind.Method) AddSignature(signature.DecodeMethodSignature(p, null), found);
                break;
        }
    }

    private static void CollectAttributes(MetadataReader md, DefinitionCollector p, CustomAttributeHandleCollection attributes,
        HashSet<TypeDefinitionHandle> found)
    {
        foreach (CustomAttributeHandle a in attributes) Collect(md, p, md.GetCustomAttribute(a).Constructor, found);
    }

    private static void CollectConstraints(MetadataReader md, DefinitionCollector p, GenericParameterHandle g, HashSet<TypeDefinitionHandle> found)
    {
        foreach (GenericParameterConstraintHandle c in md.GetGenericParameter(g).GetConstraints())
        {
            Collect(md, p, md.GetGenericParameterConstraint(c).Type, found);
        }
    }

    private static void AddSignature(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature, HashSet<TypeDefinitionHandle> found)
    {
        found.UnionWith(signature.ReturnType);
        foreach (var parameter in signature.ParameterTypes) found.UnionWith(parameter);
    }

    /// <summary>Decodes a signature into the core's own type definitions it mentions (external types and generic parameters add none).</summary>
    private sealed class DefinitionCollector(MetadataReader md) : ISignatureTypeProvider<ImmutableArray<TypeDefinitionHandle>, object?>
    {
        public ImmutableArray<TypeDefinitionHandle> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];
        public ImmutableArray<TypeDefinitionHandle> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => [handle];
        public ImmutableArray<TypeDefinitionHandle> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => [];

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle,
            byte rawTypeKind) => md.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public ImmutableArray<TypeDefinitionHandle> GetSZArrayType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;
        public ImmutableArray<TypeDefinitionHandle> GetArrayType(ImmutableArray<TypeDefinitionHandle> elementType, ArrayShape shape) => elementType;
        public ImmutableArray<TypeDefinitionHandle> GetByReferenceType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;
        public ImmutableArray<TypeDefinitionHandle> GetPointerType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;
        public ImmutableArray<TypeDefinitionHandle> GetPinnedType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetGenericInstantiation(ImmutableArray<TypeDefinitionHandle> genericType,
            ImmutableArray<ImmutableArray<TypeDefinitionHandle>> typeArguments) => [.. genericType, .. typeArguments.SelectMany(a => a)];

        public ImmutableArray<TypeDefinitionHandle> GetGenericMethodParameter(object? genericContext, int index) => [];
        public ImmutableArray<TypeDefinitionHandle> GetGenericTypeParameter(object? genericContext, int index) => [];

        public ImmutableArray<TypeDefinitionHandle> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature) =>
            [.. signature.ReturnType, .. signature.ParameterTypes.SelectMany(a => a)];

        public ImmutableArray<TypeDefinitionHandle> GetModifiedType(ImmutableArray<TypeDefinitionHandle> modifier,
            ImmutableArray<TypeDefinitionHandle> unmodifiedType, bool isRequired) => [.. modifier, .. unmodifiedType];
    }
}
