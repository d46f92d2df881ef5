using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Data;

/// <summary>Makes bearer tokens and the hashes that are all the database ever sees of them.</summary>
public static class ApiTokenSecret
{
    public const string Scheme = "qp_";
    public const int PrefixLength = 10;

    /// <summary>A fresh token: "qp_" and 32 random bytes in base64url (256 bits, so a plain SHA-256 is enough; no salt or KDF needed).</summary>
    public static string NewToken() => Scheme + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The leading characters shown in listings so people can tell tokens apart.</summary>
    public static string PrefixOf(string token) => token.Length <= PrefixLength ? token : token[..PrefixLength];
}
