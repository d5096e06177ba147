package africa.sandbox;

import africa.sandbox.connect.ConnectSandbox;
import africa.sandbox.connect.ConnectSandboxProperties;
import africa.sandbox.dollr.DollrSandbox;
import africa.sandbox.dollr.DollrSandboxProperties;
import africa.sandbox.monnify.MonnifyAccounts;
import africa.sandbox.monnify.MonnifyCollections;
import africa.sandbox.monnify.MonnifyReservedAccounts;
import africa.sandbox.monnify.MonnifySandbox;
import africa.sandbox.monnify.MonnifySandboxProperties;
import africa.sandbox.payflux.PayfluxSandbox;
import africa.sandbox.payflux.PayfluxSandboxProperties;
import africa.sandbox.stub.StubSandbox;
import africa.sandbox.stub.StubSandboxProperties;
import africa.sandbox.waas.WaasSandbox;
import africa.sandbox.waas.WaasSandboxProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Every simulator and its settings: imported by the standalone {@link SandboxApplication} or, in-process, by {@link SandboxAutoConfiguration}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({SandboxProperties.class, MonnifySandboxProperties.class, WaasSandboxProperties.class,
        ConnectSandboxProperties.class, DollrSandboxProperties.class, StubSandboxProperties.class,
        PayfluxSandboxProperties.class})
@Import({WebhookSender.class, MonnifySandbox.class, MonnifyAccounts.class, MonnifyCollections.class, MonnifyReservedAccounts.class,
        WaasSandbox.class, ConnectSandbox.class, DollrSandbox.class, StubSandbox.class, PayfluxSandbox.class,
        CallbackInbox.class})
public class Simulators {
}
