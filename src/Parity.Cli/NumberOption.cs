using System.CommandLine;
using System.Globalization;
using System.Numerics;

namespace Parity.Cli;

/// <summary>
/// An option taking one number within limits. The parser reads and judges the word itself, so that a
/// word that is no number ('--seeds two') is the same one message as a number out of range, not the
/// conversion exception that a validator reading the value would raise.
/// </summary>
public static class NumberOption
{
    public static Option<T> Create<T>(string name, string description, Func<T, bool> accepts, string message, T? fallback = null)
        where T : struct, INumber<T>
    {
        var option = new Option<T>(name)
        {
            Description = description,
            CustomParser = result =>
            {
                if (result.Tokens is [var token] && T.TryParse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && accepts(value))
                    return value;
                result.AddError(message);
                return default;
            },
        };
        if (fallback is { } value)
            option.DefaultValueFactory = _ => value;
        return option;
    }
}
