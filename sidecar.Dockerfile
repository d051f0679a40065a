# The sidecar images: the supervisor (`mtls-operator sidecar`) on each official proxy image. One build stage, one final
# stage per proxy flavour; the operator image (Dockerfile) stays separate and proxy-free. No Docker engine runs on the
# development machines, so this file is kept honest by review and by tests/MtlsOperator.Tests/Image (structure):
#   docker buildx build -f sidecar.Dockerfile --target haproxy --platform linux/amd64,linux/arm64 -t <registry>/mtls-operator-sidecar-haproxy:<version> .
#   docker buildx build -f sidecar.Dockerfile --target nginx   ... -t <registry>/mtls-operator-sidecar-nginx:<version> .
#   docker buildx build -f sidecar.Dockerfile --target envoy   ... -t <registry>/mtls-operator-sidecar-envoy:<version> .
# Proxy images are pinned to the exact release the configs are tested with here (HAProxy 2.6.12, nginx 1.22.1; Envoy
# 1.31, which the renderer's field names target). No registry can be queried from the development machines, so no
# digest is pinned: add image@sha256:... in your own build for reproducibility.
ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble
ARG HAPROXY_IMAGE=haproxy:2.6.12
ARG NGINX_IMAGE=nginx:1.22.1
ARG ENVOY_IMAGE=envoyproxy/envoy:v1.31.10

FROM --platform=$BUILDPLATFORM ${DOTNET_SDK_IMAGE} AS build
ARG TARGETARCH
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/MtlsOperator.Engine/MtlsOperator.Engine.csproj src/MtlsOperator.Engine/
COPY src/MtlsOperator.Runtime/MtlsOperator.Runtime.csproj src/MtlsOperator.Runtime/
COPY src/MtlsOperator/MtlsOperator.csproj src/MtlsOperator/
RUN dotnet restore src/MtlsOperator/MtlsOperator.csproj -a "$TARGETARCH" -p:SelfContained=true
COPY src/ src/
# Self-contained: the proxy images carry no .NET runtime. Invariant globalization: they carry no ICU either, and the
# supervisor formats nothing culture-specific. The proxy images are Debian (glibc) with OpenSSL, which .NET's crypto uses.
RUN dotnet publish src/MtlsOperator/MtlsOperator.csproj -c Release -a "$TARGETARCH" --no-restore --self-contained true \
      -p:InvariantGlobalization=true -o /out --nologo

# The same binary as the operator, so the sidecar and the operator share one engine (content hash, report type) and one
# release; `sidecar` is its subcommand, given in the arguments (CMD here; the injected pod spec passes its own args, which
# replace CMD). The proxy binary is found on the image's PATH. Writes go only to the runtime directory (default
# /tmp/mtls-sidecar) and /tmp: mount an emptyDir at /tmp and the root filesystem can be read-only. No diagnostics IPC
# socket either, for the same reason.
FROM ${HAPROXY_IMAGE} AS haproxy
COPY --from=build /out/ /opt/mtls-operator/
ENV DOTNET_EnableDiagnostics=0
# The official image stops HAProxy with SIGUSR1; the supervisor takes SIGTERM (what kubelet sends) and drains itself.
STOPSIGNAL SIGTERM
USER haproxy
EXPOSE 15021
ENTRYPOINT ["/opt/mtls-operator/mtls-operator"]
CMD ["sidecar", "--proxy", "haproxy", "--mount", "/etc/mtls"]

FROM ${NGINX_IMAGE} AS nginx
COPY --from=build /out/ /opt/mtls-operator/
ENV DOTNET_EnableDiagnostics=0
# The official image stops nginx with SIGQUIT; the supervisor takes SIGTERM and sends nginx SIGQUIT itself after draining.
STOPSIGNAL SIGTERM
# The image's nginx user (UID 101): the master runs unprivileged, so the listen port must be above 1023 (8443 is).
USER 101
EXPOSE 15021
ENTRYPOINT ["/opt/mtls-operator/mtls-operator"]
CMD ["sidecar", "--proxy", "nginx", "--mount", "/etc/mtls"]

FROM ${ENVOY_IMAGE} AS envoy
COPY --from=build /out/ /opt/mtls-operator/
ENV DOTNET_EnableDiagnostics=0
STOPSIGNAL SIGTERM
# The image's envoy user (UID 101).
USER 101
EXPOSE 15021
ENTRYPOINT ["/opt/mtls-operator/mtls-operator"]
CMD ["sidecar", "--proxy", "envoy", "--mount", "/etc/mtls"]
