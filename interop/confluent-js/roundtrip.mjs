// Confluent wire-format round trip with @kafkajs/confluent-schema-registry, a third-party client,
// so crashwatch's serde can be checked against it on the same registry (ConfluentJsInteropIT).
//
//   node roundtrip.mjs <registry-url> encode <subject> <record-json|-> [schema.avsc]
//       With a schema file: registers it under <subject> (or finds it already there) via the library.
//       Without: uses the latest version of <subject>. Prints the framed bytes as base64.
//   node roundtrip.mjs <registry-url> decode [base64|-]
//       Decodes framed bytes with the writer schema the library fetches by id; prints the record as JSON.
//
// '-' (or a missing argument, for decode) reads standard input. Exit code 1 and a message on stderr
// on any failure.
//
// Logical types: avsc is used without logicalTypes, so timestamp-millis (Heartbeat.sentAt) stays its
// underlying long, a JS number of epoch milliseconds both ways; avsc refuses longs beyond 2^53 rather
// than losing precision. Unions with null are unwrapped: a value or null, as in Avro's JSON for Java.
import { readFileSync } from 'node:fs';
import csr from '@kafkajs/confluent-schema-registry';

const { SchemaRegistry, SchemaType } = csr;

function usage() {
  console.error('usage: roundtrip.mjs <registry-url> encode <subject> <record-json|-> [schema.avsc]\n'
    + '       roundtrip.mjs <registry-url> decode [base64|-]');
  process.exit(2);
}

function argOrStdin(arg) {
  return arg === undefined || arg === '-' ? readFileSync(0, 'utf8') : arg;
}

async function main([host, mode, ...rest]) {
  if (!host || !mode) usage();
  const registry = new SchemaRegistry({ host, retry: { retries: 0 } },
    { [SchemaType.AVRO]: { wrapUnions: 'auto' } });
  if (mode === 'encode') {
    const [subject, recordJson, schemaFile] = rest;
    if (!subject || recordJson === undefined) usage();
    const record = JSON.parse(argOrStdin(recordJson));
    const id = schemaFile
      ? (await registry.register({ type: SchemaType.AVRO, schema: readFileSync(schemaFile, 'utf8') },
        { subject })).id
      : await registry.getLatestSchemaId(subject);
    const bytes = await registry.encode(id, record);
    process.stdout.write(bytes.toString('base64') + '\n');
  } else if (mode === 'decode') {
    const bytes = Buffer.from(argOrStdin(rest[0]).trim(), 'base64');
    const record = await registry.decode(bytes);
    process.stdout.write(JSON.stringify(record) + '\n');
  } else {
    usage();
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`roundtrip.mjs: ${error && error.stack ? error.stack : error}`);
  process.exit(1);
});
