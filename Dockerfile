# The operator image (the sidecar images are separate). No Docker engine runs on the development machines, so this
# file is kept honest by review and by tests/MtlsOperator.Tests/Image (structure): build it with
#   docker buildx build --platform linux/amd64,linux/arm64 -t <registry>/mtls-operator:<version> .
# Base images are pinned to a minor release; pin a digest (image@sha256:...) in your own build for reproducibility.
ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble
ARG DOTNET_RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled

FROM --platform=$BUILDPLATFORM ${DOTNET_SDK_IMAGE} AS build
ARG TARGETARCH
WORKDIR /src
# Restore first, from the project files only, so a source change does not invalidate the package layer.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/MtlsOperator.Engine/MtlsOperator.Engine.csproj src/MtlsOperator.Engine/
COPY src/MtlsOperator.Runtime/MtlsOperator.Runtime.csproj src/MtlsOperator.Runtime/
COPY src/MtlsOperator/MtlsOperator.csproj src/MtlsOperator/
RUN dotnet restore src/MtlsOperator/MtlsOperator.csproj -a "$TARGETARCH"
COPY src/ src/
RUN dotnet publish src/MtlsOperator/MtlsOperator.csproj -c Release -a "$TARGETARCH" --no-restore --self-contained false -o /out --nologo

# Chiseled: no shell, no package manager, non-root by default (UID 1654); the operator needs no filesystem writes.
FROM ${DOTNET_RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /out .
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["./mtls-operator"]
CMD ["run"]
