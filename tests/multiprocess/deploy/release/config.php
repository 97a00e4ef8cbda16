<?php
return ['version' => '@V@', 'name' => 'deploy test'];
