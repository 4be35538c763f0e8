// Certificates and keys of one control plane, made fresh for every run with openssl: a CA, the API
// server's serving certificate, a client certificate per component (the identities Kubernetes'
// bootstrap RBAC grants their rights to), and the service-account signing key.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  serviceAccountKey: string;
  /** Client certificate and key per identity name. */
  clients: Record<string, { cert: string; key: string }>;
}

/** Who talks to the API server, as Kubernetes names them (bootstrap ClusterRoleBindings exist for these). */
export const IDENTITIES = {
  admin: { cn: "e2e-admin", org: "system:masters" },
  controllerManager: { cn: "system:kube-controller-manager" },
  scheduler: { cn: "system:kube-scheduler" },
  // kwok plays every node's kubelet and patches objects of any kind: an admin, as kwokctl runs it.
  kwok: { cn: "e2e-kwok", org: "system:masters" },
} as const;

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

export function makePki(dir: string): Pki {
  fs.mkdirSync(dir, { recursive: true });
  const p = (f: string) => path.join(dir, f);
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=pulumi-robustmq-e2e-ca"], dir);

  const sign = (name: string, subject: string, extensions: string) => {
    fs.writeFileSync(p(`${name}.ext`), `[ext]\n${extensions}\n`);
    openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject], dir);
    openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`, "-extensions", "ext"], dir);
    return { cert: p(`${name}.crt`), key: p(`${name}.key`) };
  };

  const sans = ["IP:127.0.0.1", "DNS:localhost", "DNS:kubernetes", "DNS:kubernetes.default", "DNS:kubernetes.default.svc", "DNS:kubernetes.default.svc.cluster.local", "IP:10.96.0.1"];
  const server = sign("apiserver", "/CN=kube-apiserver", `subjectAltName=${sans.join(",")}\nextendedKeyUsage=serverAuth`);
  const clients = Object.fromEntries(
    Object.entries(IDENTITIES).map(([name, id]) => {
      const subject = `${"org" in id ? `/O=${id.org}` : ""}/CN=${id.cn}`;
      return [name, sign(`client-${name}`, subject, "extendedKeyUsage=clientAuth")];
    }),
  );
  openssl(["genrsa", "-out", "service-account.key", "2048"], dir);
  return { dir, caCert: p("ca.crt"), caKey: p("ca.key"), serverCert: server.cert, serverKey: server.key, serviceAccountKey: p("service-account.key"), clients };
}

/** A client certificate for a user the run makes up (as a platform team issues one to a CI deployer), signed by the run's CA. */
export function signUser(pki: Pki, name: string, cn: string): { cert: string; key: string } {
  const p = (f: string) => path.join(pki.dir, f);
  fs.writeFileSync(p(`${name}.ext`), "[ext]\nextendedKeyUsage=clientAuth\n");
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`], pki.dir);
  openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`, "-extensions", "ext"], pki.dir);
  pki.clients[name] = { cert: p(`${name}.crt`), key: p(`${name}.key`) };
  return pki.clients[name];
}

/** A kubeconfig for one identity. */
export function writeKubeconfig(file: string, server: string, pki: Pki, identity: string): string {
  const client = pki.clients[identity];
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "e2e", cluster: { server, "certificate-authority": pki.caCert } }],
    users: [{ name: identity, user: { "client-certificate": client.cert, "client-key": client.key } }],
    contexts: [{ name: "e2e", context: { cluster: "e2e", user: identity } }],
    "current-context": "e2e",
  };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}
