// Client-certificate authentication: the verified TLS peer certificate's CN is the user, its O values the groups.

import { constants } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ServerOptions } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { errors } from '../../api/status.js';
import { SYSTEM_AUTHENTICATED, type Authenticator, type UserInfo } from './user.js';

/** The PKI parts a serving endpoint needs (ClusterPki from src/pki/cluster-pki.ts fits). */
export interface ServingPki {
  /** Trusted CA(s) for client certificates. */
  caPem: string;
  server: { certPem: string; keyPem: string };
}

/**
 * Options for https.createServer: our serving cert, client certs requested and verified
 * against `caPem` but not required (an unauthenticated request gets a 401 Status from the
 * handler, not a TLS failure), TLS >= 1.2, HTTP/1.1 only, renegotiation off (so a connection's
 * peer identity is fixed at the handshake, which X509Authenticator relies on).
 */
export function tlsServerOptions(pki: ServingPki): ServerOptions {
  return {
    key: pki.server.keyPem,
    cert: pki.server.certPem,
    ca: pki.caPem,
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
    ALPNProtocols: ['http/1.1'],
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
  };
}

type Outcome = UserInfo | null | 'invalid';

/**
 * Authenticates by the client certificate verified in the TLS handshake (server built with
 * tlsServerOptions). No TLS or no certificate → null; a certificate that did not verify against
 * the server's CA (wrong CA, expired, wrong usage) → throws 401; a verified certificate without
 * a CN → null. The result is computed once per connection (renegotiation is disabled).
 * Callers get a fresh UserInfo object each time and may mutate it.
 */
export class X509Authenticator implements Authenticator {
  private readonly perSocket = new WeakMap<TLSSocket, Outcome>();

  authenticate(req: IncomingMessage): UserInfo | null {
    const socket = req.socket as TLSSocket;
    if (!socket.encrypted) return null;
    let outcome = this.perSocket.get(socket);
    if (outcome === undefined) {
      outcome = identify(socket);
      this.perSocket.set(socket, outcome);
    }
    if (outcome === 'invalid') throw errors.unauthorized();
    return outcome && { name: outcome.name, groups: [...outcome.groups] };
  }
}

function identify(socket: TLSSocket): Outcome {
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.raw) return null; // no certificate presented
  if (socket.authorized !== true) return 'invalid';
  const cn = values(cert.subject?.CN);
  // Like Go's pkix.Name, the last CN wins.
  const name = cn[cn.length - 1];
  if (!name) return null;
  const groups = [...new Set([...values(cert.subject?.O), SYSTEM_AUTHENTICATED])];
  return { name, groups };
}

/** node:tls gives a string for one value and an array for several. */
function values(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
