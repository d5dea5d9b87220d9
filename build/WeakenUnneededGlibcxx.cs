using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// TorchSharp-cpu 0.107.0's libLibTorchSharp.so was linked by GCC 13, whose &lt;iostream&gt; plants a
/// reference to <c>std::ios_base_library_init()</c> at version GLIBCXX_3.4.32 only so that the library
/// demands a new enough libstdc++; nothing calls it. Debian 12's libstdc++ (GCC 12) stops at 3.4.30, so
/// the dynamic loader refuses the whole library. This task marks that one version need weak
/// (VER_FLG_WEAK in .gnu.version_r) in the build's own copy, a 2-byte change, and only when the
/// library binds no other symbol to it, and the system's libstdc++ lacks the version — or the copy is
/// <see cref="Portable"/>: a publish or the .NET tool package runs on machines other than this one.
/// The NuGet cache and system files are never touched: the copy is rewritten through a new file.
/// </summary>
public sealed class WeakenUnneededGlibcxx : Microsoft.Build.Utilities.Task
{
    const string Version = "GLIBCXX_3.4.32";
    const string OnlySymbol = "_ZSt21ios_base_library_initv";
    const uint ShtDynsym = 11, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
    const ushort VerFlagWeak = 2;

    [Required] public string Library { get; set; } = "";

    /// <summary>The copy is for other machines (a publish, the .NET tool): weakened whatever this machine's libstdc++ has; where the version exists, a weak need changes nothing.</summary>
    public bool Portable { get; set; }

    public override bool Execute()
    {
        if (!File.Exists(Library) || (!Portable && SystemHasVersion()))
            return true;
        var elf = File.ReadAllBytes(Library);
        var sections = Sections(elf);
        var verneed = sections.FirstOrDefault(s => s.Type == ShtGnuVerneed);
        if (verneed is null)
            return true;
        var strings = sections[(int)verneed.Link];
        var offset = (int)verneed.Offset;
        for (var file = 0; file < verneed.Info; file++)
        {
            var aux = offset + (int)U32(elf, offset + 8);
            for (var i = 0; i < U16(elf, offset + 2); i++)
            {
                if (Name(elf, strings, U32(elf, aux + 8)) == Version)
                {
                    var flags = U16(elf, aux + 4);
                    if ((flags & VerFlagWeak) != 0)
                        return true;
                    var bound = SymbolsAt(elf, sections, U16(elf, aux + 6));
                    if (bound.Any(name => name != OnlySymbol))
                    {
                        Log.LogError($"{Library} needs {Version} for {string.Join(", ", bound)}, not only {OnlySymbol}: it cannot run on this system's libstdc++; install a libstdc++ with {Version} (GCC 13 or later)");
                        return false;
                    }
                    BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, aux + 4);
                    var staged = Library + ".tmp";
                    File.WriteAllBytes(staged, elf);
                    File.Delete(Library); // a new file, so a hard link into the NuGet cache is never written through
                    File.Move(staged, Library);
                    Log.LogMessage(MessageImportance.High, $"parity: {Path.GetFileName(Library)}: {Version} marked weak (only {OnlySymbol} uses it; {(Portable ? "a copy for other machines" : "this system's libstdc++ lacks it")})");
                    return true;
                }
                aux += (int)U32(elf, aux + 12);
            }
            offset += (int)U32(elf, offset + 12);
        }
        return true;
    }

    /// <summary>Whether the libstdc++ the loader would pick defines the version (its name stands in its version definitions).</summary>
    static bool SystemHasVersion()
    {
        var candidates = new[] {"/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6" };
        var system = candidates.FirstOrDefault(File.Exists);
        if (system is null)
            return true; // not a glibc system this fix is for
        var needle = Encoding.ASCII.GetBytes(Version + "\0");
        var bytes = File.ReadAllBytes(system);
        return Enumerable.Range(0, bytes.Length - needle.Length).Any(i => bytes[i] == needle[0] && bytes.Skip(i).Take(needle.Length).SequenceEqual(needle));
    }

    /// <summary>The names of the dynamic symbols bound to a version index.</summary>
    static List<string> SymbolsAt(byte[] elf, List<Section> sections, int versionIndex)
    {
        var dynsym = sections.First(s => s.Type == ShtDynsym);
        var versym = sections.First(s => s.Type == ShtGnuVersym);
        var strings = sections[(int)dynsym.Link];
        var names = new List<string>();
        for (var i = 0; i < (int)(dynsym.Size / 24); i++)
            if ((U16(elf, (int)versym.Offset + 2 * i) & 0x7fff) == versionIndex)
                names.Add(Name(elf, strings, U32(elf, (int)dynsym.Offset + 24 * i)));
        return names;
    }

    // A class, not a record: MSBuild compiles this task against a reference set without IsExternalInit.
    sealed class Section(uint type, long offset, long size, uint link, uint info)
    {
        public uint Type => type;
        public long Offset => offset;
        public long Size => size;
        public uint Link => link;
        public uint Info => info;
    }

    static List<Section> Sections(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        var start = (long)BitConverter.ToUInt64(elf, 0x28);
        int size = U16(elf, 0x3a), count = U16(elf, 0x3c);
        return Enumerable.Range(0, count).Select(i => (int)(start + i * size)).Select(h => new Section(
            U32(elf, h + 4), (long)BitConverter.ToUInt64(elf, h + 0x18), (long)BitConverter.ToUInt64(elf, h + 0x20), U32(elf, h + 0x28), U32(elf, h + 0x2c))).ToList();
    }

    static string Name(byte[] elf, Section strings, uint index)
    {
        var start = (int)(strings.Offset + index);
        return Encoding.ASCII.GetString(elf, start, Array.IndexOf(elf, (byte)0, start) - start);
    }

    static ushort U16(byte[] elf, int at) => BitConverter.ToUInt16(elf, at);

    static uint U32(byte[] elf, int at) => BitConverter.ToUInt32(elf, at);
}
