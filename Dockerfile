# Build: docker build -t mtls-operator .   (no Docker engine on the development machines; kept honest by review)
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/MtlsOperator/MtlsOperator.csproj -c Release -o /out --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /out .
# Runs as the image's non-root user; the operator needs no filesystem writes.
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["./mtls-operator"]
CMD ["run"]
