// The components as other Pulumi languages see them: the schema Pulumi's component analyzer
// derives from our TypeScript (what `pulumi package add` generates Python, Go, .NET and YAML SDKs
// from), and a construction through the provider from plain JSON, as a Python program sends it.
import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import * as ts from "typescript";
import { RobustMQCluster, RobustMQImage } from "../components";
import { CLUSTER_TYPE } from "../components/cluster/cluster";
import { IMAGE_TYPE } from "../components/image/image";
import { Registered, runWithMocks, withIgnoredMasked } from "../offline/mock-runtime";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deserializeInputs } = require("@pulumi/pulumi/provider/server");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc");

const ROOT = path.join(__dirname, "..");
const PACKAGE = "robustmq";

/** Inputs exactly as the provider server hands them to construct(). */
const wire = (v: Record<string, unknown>) => deserializeInputs(Struct.fromJavaScript(v), new Map());
/** A secret as another language's SDK sends it: an output value marked secret. */
const secretValue = (value: unknown) => ({ [rpc.specialSigKey]: rpc.specialOutputValueSig, value, secret: true, dependencies: [] });

type SchemaProperty = { type?: string; $ref?: string; items?: SchemaProperty; additionalProperties?: SchemaProperty; plain?: boolean; optional?: boolean };

/**
 * What the schema must say for a TypeScript type: the same kind (string, number, boolean, array,
 * map, enum or object type by name), never a silent reduction (a union reduced to string, a
 * dropped field, `any` where a type was meant).
 */
function expectedKind(checker: ts.TypeChecker, type: ts.Type): string {
  const text = checker.typeToString(type);
  const inner = /^(?:Input|Output)<(.+)>$/.exec(text)?.[1];
  if (inner !== undefined) {
    const args = (type as ts.TypeReference).aliasTypeArguments ?? [];
    return args.length > 0 ? expectedKind(checker, args[0]) : inner;
  }
  if (type.isUnion()) {
    const parts = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
    if (type.aliasSymbol !== undefined && parts.every((t) => t.isStringLiteral())) {
      return `enum ${type.aliasSymbol.name}`;
    }
    if (parts.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) {
      return "boolean";
    }
    if (parts.length === 1) {
      return expectedKind(checker, parts[0]);
    }
    // Output<T> and Input<T> reach here expanded; their T is what counts.
    const output = parts.find((t) => t.getSymbol()?.name === "OutputInstance" || t.getSymbol()?.name === "Promise");
    if (output !== undefined) {
      return expectedKind(checker, (output as ts.TypeReference).typeArguments?.[0] ?? parts[0]);
    }
    return `union ${text}`;
  }
  if (type.flags & ts.TypeFlags.String) return "string";
  if (type.flags & ts.TypeFlags.Number) return "number";
  if (type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return "boolean";
  if (checker.isArrayType(type)) {
    return `array of ${expectedKind(checker, (type as ts.TypeReference).typeArguments![0])}`;
  }
  const index = type.getStringIndexType();
  if (index !== undefined) {
    return `map of ${index.flags & ts.TypeFlags.Any ? "any" : expectedKind(checker, index)}`;
  }
  if (type.getSymbol()?.name === "OutputInstance") {
    return expectedKind(checker, (type as ts.TypeReference).typeArguments![0]);
  }
  return `object ${type.getSymbol()?.name ?? text}`;
}

function schemaKind(p: SchemaProperty): string {
  if (p.$ref === "pulumi.json#/Any") return "any";
  if (p.$ref !== undefined) {
    const name = p.$ref.split(":").pop() as string;
    return ENUMS.has(name) ? `enum ${name}` : `object ${name}`;
  }
  if (p.type === "array") return `array of ${schemaKind(p.items!)}`;
  if (p.type === "object" && p.additionalProperties !== undefined) return `map of ${schemaKind(p.additionalProperties)}`;
  if (p.type === "integer") return "number";
  return p.type as string;
}

let ENUMS = new Set<string>();

describe("provider: the schema other Pulumi languages are generated from", function () {
  this.timeout(120000);
  let schema: any;
  let program: ts.Program;
  before(async () => {
    const provider = new ComponentProvider({ name: PACKAGE, dirname: ROOT, components: [RobustMQCluster, RobustMQImage] } as never);
    schema = JSON.parse(await provider.getSchema());
    ENUMS = new Set(Object.entries<any>(schema.types).filter(([, t]) => t.enum !== undefined).map(([k]) => k.split(":").pop() as string));
    const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    program = ts.createProgram([path.join(ROOT, "index.ts")], config.options);
  });

  it("has both components under tokens that match the classes and what they pass to super()", () => {
    assert.deepEqual(Object.keys(schema.resources).sort(), [CLUSTER_TYPE, IMAGE_TYPE].sort());
    assert.equal(CLUSTER_TYPE, `${PACKAGE}:index:RobustMQCluster`);
    assert.equal(IMAGE_TYPE, `${PACKAGE}:index:RobustMQImage`);
  });

  it("lists every argument and output with its type, nothing dropped or reduced", () => {
    const checker = program.getTypeChecker();
    const entry = checker.getSymbolAtLocation(program.getSourceFile(path.join(ROOT, "index.ts"))!)!;
    const exported = new Map(checker.getExportsOfModule(entry).map((s) => [s.name, s]));
    const resolveSymbol = (sym: ts.Symbol) => (sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym);
    const declared = (name: string) => checker.getDeclaredTypeOfSymbol(resolveSymbol(exported.get(name)!));
    const compared: string[] = [];
    const compare = (where: string, tsType: ts.Type, props: Record<string, SchemaProperty>, onlyPublicReadonly = false) => {
      for (const member of checker.getPropertiesOfType(tsType)) {
        const decl = member.valueDeclaration as ts.PropertyDeclaration | ts.PropertySignature | undefined;
        if (onlyPublicReadonly && decl !== undefined && ts.getCombinedModifierFlags(decl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) {
          continue;
        }
        if (member.name === "urn" || member.name === "__pulumiType" || member.name.startsWith("__")) {
          continue;
        }
        const p = props[member.name];
        assert.ok(p, `${where}.${member.name} is missing from the schema`);
        // The declared type, as written (an optional field's type would otherwise carry "| undefined").
        const node = decl !== undefined && "type" in decl ? decl.type : undefined;
        const want = expectedKind(checker, node !== undefined ? checker.getTypeFromTypeNode(node) : checker.getTypeOfSymbol(member));
        assert.equal(schemaKind(p), want, `${where}.${member.name}`);
        compared.push(`${where}.${member.name}`);
      }
    };
    for (const [cls, args, token] of [["RobustMQCluster", "RobustMQClusterArgs", CLUSTER_TYPE], ["RobustMQImage", "RobustMQImageArgs", IMAGE_TYPE]] as const) {
      const resource = schema.resources[token];
      compare(args, declared(args), resource.inputProperties);
      const instance = checker.getDeclaredTypeOfSymbol(resolveSymbol(exported.get(cls)!));
      const own = checker.getPropertiesOfType(instance).filter((m) => m.valueDeclaration?.getSourceFile().fileName.includes("/components/"));
      const outputs = Object.fromEntries(Object.entries<SchemaProperty>(resource.properties));
      for (const m of own) {
        const p = outputs[m.name];
        assert.ok(p, `${cls}.${m.name} is missing from the schema's outputs`);
        assert.equal(schemaKind(p), expectedKind(checker, checker.getTypeOfSymbol(m)), `${cls}.${m.name}`);
      }
      assert.deepEqual(Object.keys(outputs).sort(), own.map((m) => m.name).sort(), `${cls}: outputs are exactly its public fields`);
    }
    // Every object type the schema holds, field by field against its TypeScript interface.
    for (const [token, type] of Object.entries<any>(schema.types)) {
      const name = token.split(":").pop() as string;
      if (type.enum !== undefined) {
        assert.ok(exported.has(name), `enum ${name} is exported by the package`);
        continue;
      }
      assert.ok(exported.has(name), `type ${name} is exported by the package, so TypeScript users can write it too`);
      compare(name, declared(name), type.properties ?? {});
    }
    assert.ok(compared.length > 100, `compared ${compared.length} fields`);
  });

  it("keeps the secret inputs as Inputs (an Output from another resource or a config secret is accepted)", () => {
    const inputs = schema.resources[CLUSTER_TYPE].inputProperties;
    for (const name of ["adminPassword", "jwtSecret", "mqttUsername", "mqttPassword", "image"]) {
      assert.equal(inputs[name].plain, undefined, name);
    }
    assert.equal(inputs.topology.plain, true, "structural choices are plain: they decide which resources exist");
  });

  it("documents every input and output", () => {
    const missing: string[] = [];
    for (const [token, resource] of Object.entries<any>(schema.resources)) {
      for (const [name, p] of Object.entries<any>({ ...resource.inputProperties, ...resource.properties })) {
        if (!p.description) missing.push(`${token}.${name}`);
      }
    }
    for (const [token, type] of Object.entries<any>(schema.types)) {
      for (const [name, p] of Object.entries<any>(type.properties ?? {})) {
        if (!p.description) missing.push(`${token}.${name}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it("gives Go an input type for every list-of-objects argument (its generator's order quirk)", () => {
    // Pulumi's Go generator (pkg/codegen/go/gen.go populateDetailsForPropertyTypes, v3.248) walks a
    // resource's inputs in name order and marks types as inputs only after the first plain object
    // argument; a list of objects named before it refers to an input type never generated (the
    // end-to-end Go build failed on "undefined: AclArgsArgs" when the ACLs were "acls").
    for (const [token, resource] of Object.entries<any>(schema.resources)) {
      const names = Object.keys(resource.inputProperties).sort();
      const isObject = (p: any) => typeof p?.$ref === "string" && schema.types[p.$ref.replace("#/types/", "")]?.type === "object";
      const first = names.find((n) => resource.inputProperties[n].plain === true && isObject(resource.inputProperties[n]));
      for (const n of names.filter((n) => resource.inputProperties[n].type === "array" && isObject(resource.inputProperties[n].items))) {
        assert.ok(first !== undefined && n > first, `${token}.${n}: sorts before "${first}", so Go gets no input type for its elements`);
      }
    }
  });
});

describe("provider: construct from the JSON another language sends", function () {
  this.timeout(120000);
  const provider = new ComponentProvider({ name: PACKAGE, dirname: ROOT, components: [RobustMQCluster, RobustMQImage] } as never);
  const json = {
    topology: "split",
    meta: { replicas: 3, storageSize: "30Gi", tolerations: [{ key: "dedicated", operator: "Equal", value: "mq", effect: "NoSchedule" }] },
    broker: { replicas: 2, resources: { requests: { cpu: "1", memory: "2Gi" } } },
    engine: { replicas: 3, zoneSpread: "soft" },
    protocols: ["mqtt", "kafka"],
    clientService: { type: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0/8"] },
    extraConfig: { mqtt_runtime: { keep_alive: { max_time: 600 } } },
    labels: { team: "platform" },
    networkPolicy: { admin: { namespaces: ["monitoring"] } },
    ingress: { host: "mq.example.com", mqttWebsocket: true, tls: { certManager: { issuerName: "letsencrypt" } } },
  };
  const secrets = { adminPassword: "admin-password-from-python", jwtSecret: "j".repeat(40), mqttPassword: "mqtt-password-123" };

  const summary = (resources: Registered[]) =>
    resources
      .filter((r) => r.type !== "pulumi:pulumi:Stack")
      .map((r) => ({ type: r.type, name: r.name, inputs: withIgnoredMasked(r.inputs, r.options.ignoreChanges) }))
      .sort((a, b) => `${a.type}/${a.name}`.localeCompare(`${b.type}/${b.name}`));

  it("registers the same resources, with the same inputs, as the TypeScript constructor", async () => {
    const direct = await runWithMocks(() => new RobustMQCluster("rmq", { ...(json as object), ...secrets } as never));
    const viaProvider = await runWithMocks(() => {
      const inputs = { ...json, ...Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, secretValue(v)])) };
      return wire(inputs).then((i: pulumi.Inputs) => provider.construct("rmq", CLUSTER_TYPE, i, {}));
    });
    const result = await viaProvider.result;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
    assert.equal(await new Promise((r) => pulumi.output(result.urn).apply(r)), `urn:pulumi:test::robustmq::${CLUSTER_TYPE}::rmq`);
    assert.ok(summary(direct.resources).length > 20);
    assert.deepEqual(summary(viaProvider.resources), summary(direct.resources));
    const password = result.state.adminPassword as unknown as { isSecret: Promise<boolean> };
    assert.equal(await password.isSecret, true, "a secret stays secret through the provider");
  });

  it("refuses bad input from another language with the same messages", async () => {
    await assert.rejects(
      runWithMocks(() => wire({ topology: "triple", logLevel: "loud" }).then((i: pulumi.Inputs) => provider.construct("bad", CLUSTER_TYPE, i, {}))).then((r) => r.result),
      (e: Error) => /topology: must be one of "combined", "split", got "triple"/.test(e.message) && /logLevel: must be one of/.test(e.message),
    );
  });
});
