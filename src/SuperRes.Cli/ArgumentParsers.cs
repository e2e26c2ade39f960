using System.CommandLine.Parsing;

namespace SuperRes.Cli;

/// <summary>Option values parsed while the command line is read, so that a bad value is a usage error (exit 2), not a failed run.</summary>
internal static class ArgumentParsers
{
    /// <summary>The option's one token through <paramref name="parse"/>; its <see cref="SuperResException"/> becomes the parse error.</summary>
    public static T? Single<T>(ArgumentResult result, Func<string, T> parse)
    {
        try
        {
            return parse(result.Tokens.Single().Value);
        }
        catch (SuperResException e)
        {
            result.AddError(e.Message);
            return default;
        }
    }
}
