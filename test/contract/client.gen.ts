// Offline stand-in for the client.gen.ts that the engine generates into sdk/. The SDK's introspector
// resolves core types by the classes declared in a file with this name; only names matter here.
export class BaseClient {}
export class CacheVolume extends BaseClient {}
export class Container extends BaseClient {}
export class Directory extends BaseClient {}
export class File extends BaseClient {}
export class Secret extends BaseClient {}
export class Service extends BaseClient {}
