import assert from 'node:assert/strict';
import { buildPurl } from './purl';

describe('buildPurl', () => {
  it('encodes the npm scope as the namespace and lowercases the name', () => {
    assert.equal(buildPurl('npm', '@babel/helper-string-parser', '7.19.4'), 'pkg:npm/%40babel/helper-string-parser@7.19.4');
    assert.equal(buildPurl('npm', 'JSONStream', '1.3.5'), 'pkg:npm/jsonstream@1.3.5');
    // Each segment's `@` encoded, whichever segment it starts.
    assert.equal(buildPurl('Go', '@a/b/c', '1'), 'pkg:golang/%40a/b/c@1');
    assert.equal(buildPurl('Go', '@a/@b/c', '1'), 'pkg:golang/%40a/%40b/c@1');
    assert.equal(buildPurl('npm', '@a b/c', '1'), 'pkg:npm/%40a%20b/c@1');
  });

  it('normalises PyPI names as PEP 503 does', () => {
    assert.equal(buildPurl('PyPI', 'Flask', '2.0.0'), 'pkg:pypi/flask@2.0.0');
    assert.equal(buildPurl('PyPI', 'zope.interface', '5.4.0'), 'pkg:pypi/zope-interface@5.4.0');
    assert.equal(buildPurl('PyPI', 'Foo__Bar', '1'), 'pkg:pypi/foo-bar@1');
  });

  it('splits Maven, Go and Composer names into namespace and name', () => {
    assert.equal(
      buildPurl('Maven', 'com.fasterxml.jackson.core:jackson-databind', '2.9.1'),
      'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.1',
    );
    assert.equal(
      buildPurl('Go', 'github.com/docker/distribution', 'v2.7.1+incompatible'),
      'pkg:golang/github.com/docker/distribution@v2.7.1%2Bincompatible',
    );
    assert.equal(buildPurl('Packagist', 'GuzzleHttp/Guzzle', '7.4.4'), 'pkg:composer/guzzlehttp/guzzle@7.4.4');
  });

  it('lowercases Go module paths, as the golang type requires (and Trivy writes), keeping the version as is', () => {
    assert.equal(buildPurl('Go', 'github.com/BurntSushi/toml', 'v1.0.0-RC1'), 'pkg:golang/github.com/burntsushi/toml@v1.0.0-RC1');
    assert.equal(buildPurl('Go', 'stdlib', 'v1.22.5'), 'pkg:golang/stdlib@v1.22.5');
  });

  it('keeps gem and crate names as written (case-sensitive types)', () => {
    assert.equal(buildPurl('RubyGems', 'RedCloth', '4.3.2'), 'pkg:gem/RedCloth@4.3.2');
    assert.equal(buildPurl('crates.io', 'Inflector', '0.11.4'), 'pkg:cargo/Inflector@0.11.4');
  });

  it('keeps case where the ecosystem is case-preserving', () => {
    assert.equal(buildPurl('NuGet', 'Newtonsoft.Json', '9.0.1'), 'pkg:nuget/Newtonsoft.Json@9.0.1');
    assert.equal(buildPurl('crates.io', 'regex', '1.7.3'), 'pkg:cargo/regex@1.7.3');
    assert.equal(buildPurl('RubyGems', 'activesupport', '6.0.2.1'), 'pkg:gem/activesupport@6.0.2.1');
    assert.equal(buildPurl('Pub', 'http', '0.13.2'), 'pkg:pub/http@0.13.2');
    assert.equal(buildPurl('Hex', 'Plug', '1.0.0'), 'pkg:hex/plug@1.0.0');
  });

  it('writes a Swift package with its repository host and owner as the namespace, case kept', () => {
    assert.equal(buildPurl('SwiftURL', 'github.com/Quick/Nimble', '9.2.1'), 'pkg:swift/github.com/Quick/Nimble@9.2.1');
  });

  it('writes a CocoaPods subspec as the subpath of its pod, and Conan names as they are', () => {
    assert.equal(buildPurl('CocoaPods', 'AppCenter/Analytics', '4.2.0'), 'pkg:cocoapods/AppCenter@4.2.0#Analytics');
    assert.equal(buildPurl('CocoaPods', 'GoogleUtilities/NSData+zlib', '7.5.2'), 'pkg:cocoapods/GoogleUtilities@7.5.2#NSData%2Bzlib');
    assert.equal(buildPurl('CocoaPods', 'KeychainAccess', '4.2.1'), 'pkg:cocoapods/KeychainAccess@4.2.1');
    assert.equal(buildPurl('ConanCenter', 'openssl', '3.0.3'), 'pkg:conan/openssl@3.0.3');
  });

  it('writes OS packages with vendor namespace and sorted, encoded qualifiers', () => {
    assert.equal(
      buildPurl('Debian', 'bash', '5.1-6ubuntu1', { namespace: 'ubuntu', qualifiers: { distro: 'ubuntu-22.04', arch: 'amd64' } }),
      'pkg:deb/ubuntu/bash@5.1-6ubuntu1?arch=amd64&distro=ubuntu-22.04',
    );
    assert.equal(
      buildPurl('Alpine', 'libssl1.1', '1.1.1c-r0', { qualifiers: { arch: 'x86_64', distro: '3.10.2' } }),
      'pkg:apk/alpine/libssl1.1@1.1.1c-r0?arch=x86_64&distro=3.10.2',
    );
    assert.equal(
      buildPurl('Red Hat', 'curl', '7.61.1-9.amzn2.0.1', {
        namespace: 'amazon',
        qualifiers: { arch: 'x86_64', distro: 'amazon-2 (Karoo)', epoch: undefined },
      }),
      'pkg:rpm/amazon/curl@7.61.1-9.amzn2.0.1?arch=x86_64&distro=amazon-2%20%28Karoo%29',
    );
  });

  it('leaves out the version when there is none', () => {
    assert.equal(buildPurl('npm', 'left-pad', ''), 'pkg:npm/left-pad');
  });
});
