// Checks rendered Envoy YAML files against Envoy's own .proto files (as shipped in the npm package
// @grpc/grpc-js-xds under deps/), independently of the hand-kept allow-list in EnvoyV3Schema.cs.
// Usage: node envoy-proto-check.js <node_modules dir> <file.yaml>... ; prints one line per problem, exit 1 if any.
'use strict';
const path = require('path');
const fs = require('fs');
const modules = process.argv[2];
const protobuf = require(path.join(modules, 'protobufjs'));
const yaml = require(path.join(modules, 'js-yaml'));

const deps = path.join(modules, '@grpc', 'grpc-js-xds', 'deps');
const includes = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map(d => path.join(deps, d));
const root = new protobuf.Root();
root.resolvePath = (origin, target) => {
  for (const dir of includes) {
    const candidate = path.join(dir, target);
    if (fs.existsSync(candidate)) return candidate;
  }
  const bundled = path.join(modules, 'protobufjs', target);
  return fs.existsSync(bundled) ? bundled : target;
};
root.loadSync([
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/service/discovery/v3/discovery.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
], { keepCase: true });
root.resolveAll();

const problems = [];
const wrappers = new Set(['BoolValue', 'UInt32Value', 'UInt64Value', 'Int32Value', 'Int64Value', 'StringValue', 'DoubleValue', 'FloatValue']);

function checkMessage(value, type, at) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${at}: expected a ${type.fullName} object`);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key === '@type') continue;
    const field = type.fields[key];
    if (!field) { problems.push(`${at}.${key}: ${type.fullName} has no such field`); continue; }
    if (field.options && field.options.deprecated) problems.push(`${at}.${key}: deprecated in ${type.fullName}`);
    if (field.map) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) { problems.push(`${at}.${key}: expected a map`); continue; }
      for (const [mapKey, element] of Object.entries(item)) checkValue(element, field, `${at}.${key}[${mapKey}]`);
    } else if (field.repeated) {
      if (!Array.isArray(item)) { problems.push(`${at}.${key}: expected a list`); continue; }
      item.forEach((element, i) => checkValue(element, field, `${at}.${key}[${i}]`));
    } else {
      checkValue(item, field, `${at}.${key}`);
    }
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.oneof.filter(name => name in value);
    if (set.length > 1) problems.push(`${at}: oneof ${oneof.name} set twice (${set.join(', ')})`);
  }
}

function checkValue(value, field, at) {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) {
    if (!(value in resolved.values)) problems.push(`${at}: '${value}' is not a value of ${resolved.fullName}`);
    else if (resolved.valuesOptions && resolved.valuesOptions[value] && resolved.valuesOptions[value].deprecated) problems.push(`${at}: ${value} is deprecated`);
    return;
  }
  if (resolved instanceof protobuf.Type) {
    const name = resolved.fullName;
    if (name === '.google.protobuf.Any') return checkAny(value, at);
    if (name === '.google.protobuf.Duration') {
      if (typeof value !== 'string' || !/^\d+(\.\d+)?s$/.test(value)) problems.push(`${at}: not a Duration`);
      return;
    }
    if (name.startsWith('.google.protobuf.') && wrappers.has(resolved.name)) return checkScalar(value, resolved.fields.value.type, at);
    return checkMessage(value, resolved, at);
  }
  checkScalar(value, field.type, at);
}

function checkScalar(value, type, at) {
  const ok = type === 'string' || type === 'bytes' ? typeof value === 'string'
    : type === 'bool' ? typeof value === 'boolean'
    : typeof value === 'number' && Number.isInteger(value);
  if (!ok) problems.push(`${at}: ${JSON.stringify(value)} is not a ${type}`);
}

function checkAny(value, at) {
  const url = value && value['@type'];
  const prefix = 'type.googleapis.com/';
  if (typeof url !== 'string' || !url.startsWith(prefix)) { problems.push(`${at}: Any without @type`); return; }
  let type;
  try { type = root.lookupType(url.slice(prefix.length)); } catch { type = null; }
  if (!type) { problems.push(`${at}: unknown @type ${url}`); return; }
  checkMessage(value, type, `${at}<${type.name}>`);
}

for (const file of process.argv.slice(3)) {
  const document = yaml.load(fs.readFileSync(file, 'utf8'));
  const type = path.basename(file) === 'envoy.yaml'
    ? root.lookupType('envoy.config.bootstrap.v3.Bootstrap')
    : root.lookupType('envoy.service.discovery.v3.DiscoveryResponse');
  checkMessage(document, type, path.basename(file));
}
problems.forEach(p => console.log(p));
process.exit(problems.length > 0 ? 1 : 0);
