// node-oidc-provider configured as a company's identity provider for the SSO tests.
// Anyone can log in with any name and password (its development log-in pages); the login name is
// the e-mail address, and a name starting with "unverified" has email_verified=false.
import Provider from "oidc-provider";

const port = Number(process.env.PORT || 18400);
const issuer = `http://127.0.0.1:${port}`;
const list = (name) => (process.env[name] || "").split(",").filter(Boolean);

function claimsOf(id) {
  const local = id.split("@")[0];
  return {
    sub: id,
    email: id,
    email_verified: !local.startsWith("unverified"),
    given_name: local.split(".")[0] || local,
    family_name: "SSO",
    name: `${local} SSO`,
  };
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID || "cx-academy",
      client_secret: process.env.CLIENT_SECRET || "cx-academy-secret",
      redirect_uris: list("REDIRECT_URIS"),
      post_logout_redirect_uris: list("POST_LOGOUT_REDIRECT_URIS"),
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name"],
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return claimsOf(id); } };
  },
  cookies: { keys: ["cx-academy-test-provider-cookie-key"] },
});
provider.proxy = false;
provider.listen(port, "127.0.0.1", () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
