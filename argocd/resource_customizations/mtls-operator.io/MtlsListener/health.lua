-- Argo CD health of an mtls-operator.io resource (TrustBundle, ServerCertificate, ClientAuthPolicy, MtlsListener, ClientCertificateAuthority, IssuedClientCertificate, ClientCertificateRevocation).
-- The same script serves every kind: they report kstatus conditions (Ready, Stalled, Reconciling) the same way.
local hs = {}

local function describe(condition)
  if condition.reason ~= nil and condition.message ~= nil then
    return condition.reason .. ": " .. condition.message
  end
  return condition.message or condition.reason or ""
end

if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

-- A status written for an older spec says nothing about the current one.
local generation = obj.metadata ~= nil and obj.metadata.generation or nil
if generation ~= nil and (obj.status.observedGeneration == nil or obj.status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to evaluate generation " .. tostring(generation)
  return hs
end

local ready, stalled, reconciling
for _, condition in ipairs(obj.status.conditions) do
  if condition.type == "Ready" then
    ready = condition
  elseif condition.type == "Stalled" then
    stalled = condition
  elseif condition.type == "Reconciling" then
    reconciling = condition
  end
end

if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(stalled)
  return hs
end

if reconciling ~= nil and reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = describe(reconciling)
  return hs
end

if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message
  return hs
end

-- Ready=False without Stalled or Reconciling (written by an operator version without them): a failure, not a wait.
if ready ~= nil and ready.status == "False" then
  hs.status = "Degraded"
  hs.message = describe(ready)
  return hs
end

hs.status = "Progressing"
hs.message = "Waiting for the operator to report Ready"
return hs
