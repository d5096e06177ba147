package africa.sandbox;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The provider simulators as their own process, so the hub can be stopped while a provider keeps its
 * record: only a web server and the simulators (no database, no Camel, no hub code), configured by
 * {@code sandbox.yaml} (port 8090, webhooks and partner calls to {@code sandbox.hub-base-url}).
 */
@SpringBootConfiguration
@ImportAutoConfiguration({PropertyPlaceholderAutoConfiguration.class, JacksonAutoConfiguration.class,
        HttpMessageConvertersAutoConfiguration.class, ServletWebServerFactoryAutoConfiguration.class,
        DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class, ErrorMvcAutoConfiguration.class})
@Import(Simulators.class)
public class SandboxApplication {

    public static void main(String[] args) {
        application().run(args);
    }

    /** Reads {@code sandbox.yaml} (not the hub's {@code application.yaml}). */
    public static SpringApplication application() {
        SpringApplication app = new SpringApplication(SandboxApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", "sandbox"));
        return app;
    }
}
