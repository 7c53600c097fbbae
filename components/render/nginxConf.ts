import { ResolvedDestination } from "../config";

/** Where the server container finds its files; the Deployment mounts the Secrets and the ConfigMap here. */
export const SERVER_PATHS = {
    config: "/etc/nginx",
    serverCerts: "/etc/nginx-server-certs",
    caCerts: "/etc/nginx-ca-certs",
    html: "/usr/share/nginx/html",
    /** The one writable emptyDir: the root filesystem is read-only, so every path nginx writes is set below it. */
    tmp: "/tmp",
};

/** The unprivileged image cannot bind ports below 1024; the Service maps the destination port here. */
export const SERVER_CONTAINER_PORT = 8443;

/**
 * TLS 1.2 suites: Mozilla's "intermediate" profile without its DHE entries, so every suite is forward-secret (ECDHE)
 * and authenticated-encrypted (GCM or ChaCha20-Poly1305). Without `ssl_ciphers`, nginx accepts static-RSA and CBC suites
 * such as AES128-SHA. TLS 1.3 suites are all AEAD and are not set by this directive.
 */
export const TLS12_CIPHERS = [
    "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
];

/** Key of the CA certificate in the `<name>-ca-certs` Secret. */
export const CA_CERT_KEY = "ca.crt";

/**
 * nginx.conf for the in-cluster TLS server: the walkthrough's, made fit for a non-root, read-only container
 * and for MUTUAL destinations (client certificates required and checked against the destination's CA).
 */
export function renderNginxConf(destination: Pick<ResolvedDestination, "host" | "mode">): string {
    const verifyClient = destination.mode === "MUTUAL"
        ? "ssl_verify_client on; # MUTUAL: the egress gateway must present a certificate from this CA"
        : "ssl_verify_client off; # SIMPLE: the server does not ask for a client certificate";
    return `pid ${SERVER_PATHS.tmp}/nginx.pid;
error_log /dev/stderr;

events {
}

http {
  log_format main '$remote_addr - $remote_user [$time_local]  $status '
  '"$request" $body_bytes_sent "$http_referer" '
  '"$http_user_agent" "$http_x_forwarded_for"';
  access_log /dev/stdout main;
  error_log /dev/stderr;

  client_body_temp_path ${SERVER_PATHS.tmp}/client_temp;
  proxy_temp_path ${SERVER_PATHS.tmp}/proxy_temp;
  fastcgi_temp_path ${SERVER_PATHS.tmp}/fastcgi_temp;
  uwsgi_temp_path ${SERVER_PATHS.tmp}/uwsgi_temp;
  scgi_temp_path ${SERVER_PATHS.tmp}/scgi_temp;
  types {
    text/html html;
  }
  default_type application/octet-stream;

  server {
    listen ${SERVER_CONTAINER_PORT} ssl;

    root ${SERVER_PATHS.html};
    index index.html;

    server_name ${destination.host};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ${TLS12_CIPHERS.join(":")};
    ssl_prefer_server_ciphers off; # every suite offered is strong: let the client pick what its hardware does fastest
    ssl_certificate ${SERVER_PATHS.serverCerts}/tls.crt;
    ssl_certificate_key ${SERVER_PATHS.serverCerts}/tls.key;
    ssl_client_certificate ${SERVER_PATHS.caCerts}/${CA_CERT_KEY};
    ${verifyClient}
  }
}
`;
}
