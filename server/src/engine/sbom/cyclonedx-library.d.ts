// The library's subpath exports (`/Models`, `/Serialize`, ...) hold only what the SBOM writer uses,
// without the optional XML and validation plugins; this project's "node" module resolution does
// not read `exports`, so their types are named here.
declare module '@cyclonedx/cyclonedx-library/Models' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/models/index';
}
declare module '@cyclonedx/cyclonedx-library/Enums' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/enums/index';
}
declare module '@cyclonedx/cyclonedx-library/Serialize' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/serialize/index.node';
}
declare module '@cyclonedx/cyclonedx-library/Spec' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/spec/index';
}
declare module '@cyclonedx/cyclonedx-library/SPDX' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/spdx';
}
